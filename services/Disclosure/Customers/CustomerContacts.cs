using FluentValidation;
using Marten;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Disclosure.Customers;

/// <summary>A customer contact who receives embargoed pre-notices of advisories (business contact details, kept in Disclosure only).</summary>
public sealed class CustomerContact
{
    public Guid Id { get; set; }
    public string Organisation { get; set; } = "";
    public string? Name { get; set; }
    public string Email { get; set; } = "";
    public string Language { get; set; } = "en";
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed record CustomerRequest(string? Organisation, string? Name, string? Email, string? Language, bool? Active);

public sealed class CustomerValidator : AbstractValidator<CustomerRequest>
{
    public CustomerValidator()
    {
        RuleFor(r => r.Organisation).NotEmpty().MaximumLength(200).SingleLineText();
        RuleFor(r => r.Name).MaximumLength(200).SingleLineText();
        RuleFor(r => r.Email).NotEmpty().Must(EmailAddresses.IsValid).WithMessage("One plain e-mail address.");
        RuleFor(r => r.Language).Must(l => l is null or "en" or "zh-CN").WithMessage("The language is en or zh-CN.");
    }
}

/// <summary>
/// <c>/api/advisories/customers</c> (coordinators): who is told of an advisory before it is public;
/// <c>/internal/customers/{id}/contact</c>: how Notification reaches one at sending time (its own
/// client-credentials token, scope <c>disclosure.contact.read</c>; not routed by the gateway).
/// </summary>
public static class CustomerEndpoints
{
    public const string ContactReaders = "disclosure-contact-readers";
    public const string Scope = "disclosure.contact.read";

    public static void MapCustomers(this IEndpointRouteBuilder app)
    {
        var customers = app.MapGroup("/api/advisories/customers").WithTags("Customer contacts").RequireAuthorization(PlatformAccess.Coordinators);
        customers.MapGet("/", async (IQuerySession session, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, maxSize: 200);
            if (invalid is not null) return invalid;
            var total = await session.Query<CustomerContact>().CountAsync(ct);
            var items = await session.Query<CustomerContact>().OrderBy(c => c.Organisation).ThenBy(c => c.Email).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
            return Results.Ok(paging.Of(items, total));
        }).WithName("ListCustomerContacts");
        customers.MapPost("/", async (CustomerRequest request, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        {
            var now = time.GetUtcNow();
            var contact = Apply(new CustomerContact { Id = Guid.CreateVersion7(now), CreatedAt = now }, request, now);
            session.Store(contact);
            await session.SaveChangesAsync(ct);
            return Results.Created($"/api/advisories/customers/{contact.Id}", contact);
        }).WithValidation<CustomerRequest>().WithName("AddCustomerContact");
        customers.MapPut("/{id:guid}", async (Guid id, CustomerRequest request, IDocumentSession session, TimeProvider time, CancellationToken ct) =>
        {
            if (await session.LoadAsync<CustomerContact>(id, ct) is not { } contact) return NoSuchContact();
            session.Store(Apply(contact, request, time.GetUtcNow()));
            await session.SaveChangesAsync(ct);
            return Results.Ok(contact);
        }).WithValidation<CustomerRequest>().WithName("UpdateCustomerContact");
        customers.MapDelete("/{id:guid}", async (Guid id, IDocumentSession session, CancellationToken ct) =>
        {
            if (await session.LoadAsync<CustomerContact>(id, ct) is null) return NoSuchContact();
            session.Delete<CustomerContact>(id);
            await session.SaveChangesAsync(ct);
            return Results.NoContent();
        }).WithName("RemoveCustomerContact");

        app.MapGet("/internal/customers/{id:guid}/contact", async (Guid id, IQuerySession session, HttpContext http, CancellationToken ct) =>
            {
                http.Response.Headers.CacheControl = "no-store";
                return await session.LoadAsync<CustomerContact>(id, ct) is { Active: true } c
                    ? Results.Ok(new { c.Id, c.Organisation, c.Name, c.Email, c.Language })
                    : NoSuchContact();
            })
            .RequireAuthorization(ContactReaders).ExcludeFromDescription().WithName("GetCustomerContact");
    }

    public static void AddPolicy(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) =>
        authorization.AddPolicy(ContactReaders, policy => policy
            .RequireClaim("aud", DisclosureModule.ServiceName).RequireClaim("client_id", "notification")
            .RequireAssertion(context => context.User.HasScope(Scope)));

    private static CustomerContact Apply(CustomerContact contact, CustomerRequest request, DateTimeOffset now)
    {
        contact.Organisation = request.Organisation!.Trim();
        contact.Name = string.IsNullOrWhiteSpace(request.Name) ? null : request.Name.Trim();
        contact.Email = request.Email!.Trim();
        contact.Language = request.Language ?? "en";
        contact.Active = request.Active ?? true;
        contact.UpdatedAt = now;
        return contact;
    }

    private static IResult NoSuchContact() => Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
        title: "No such contact", detail: "No customer contact has this id.");
}
