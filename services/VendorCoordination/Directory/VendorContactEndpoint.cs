using Marten;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.VendorCoordination.Directory;

public sealed record VendorContact(Guid OrganisationId, string Name, IReadOnlyList<string> SecurityContacts, string Language);

/// <summary>
/// How Notification reaches a vendor, asked at the moment it writes, with its client-credentials
/// token (audience <c>vendorcoordination</c>, scope <c>coordination.contact.read</c>). Not routed by the gateway.
/// </summary>
public static class VendorContactEndpoint
{
    public const string ContactReaders = "coordination-contact-readers";
    public const string Scope = "coordination.contact.read";

    public static void MapVendorContact(this IEndpointRouteBuilder app) =>
        app.MapGet("/internal/vendors/{id:guid}/contact", async (Guid id, IQuerySession session, HttpContext http, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = "no-store";
                return await session.LoadAsync<Organisation>(id, ct) is { } o
                    ? Results.Ok(new VendorContact(o.Id, o.Name, o.SecurityContacts, o.Language))
                    : Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "No such vendor",
                        detail: "No vendor organisation has this id.");
            })
            .RequireAuthorization(ContactReaders).ExcludeFromDescription().WithName("GetVendorContact");

    public static void AddPolicy(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) =>
        authorization.AddPolicy(ContactReaders, policy => policy
            .RequireClaim("aud", VendorCoordinationModule.ServiceName).RequireClaim("client_id", "notification")
            .RequireAssertion(context => context.User.HasScope(Scope)));
}
