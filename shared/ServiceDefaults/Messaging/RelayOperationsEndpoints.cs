using FluentValidation;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.ServiceDefaults.Messaging;

public sealed record ReplayRequest(string? Queue, long? FromSequence);

public sealed class ReplayRequestValidator : AbstractValidator<ReplayRequest>
{
    public ReplayRequestValidator()
    {
        // A MassTransit queue name of some service, never an address on another host or virtual host.
        RuleFor(r => r.Queue).NotEmpty().MaximumLength(200).Matches("^[a-z0-9][a-z0-9._-]*$")
            .WithMessage("'Queue' must be a queue name such as triage.report-submitted.");
        RuleFor(r => r.FromSequence).GreaterThanOrEqualTo(0);
    }
}

/// <summary>
/// The relay's operator endpoints, internal (never routed by the gateway) and for the <c>operator</c>
/// client only: <c>deploy/local/ops.sh</c> calls them.
/// </summary>
public sealed class RelayOperationsEndpoints : IDefaultEndpoints
{
    public const string OperatorClient = "operator";

    public void Map(WebApplication app) => MapRelayOperations(app);

    public static void MapRelayOperations(IEndpointRouteBuilder app)
    {
        var relay = app.MapGroup("/internal/relay").RequireInternalClient(OperatorClient).ExcludeFromDescription();
        relay.MapGet("/dead-letters", async (RelayOperations operations, CancellationToken ct) =>
            Results.Ok(await operations.DeadLettersAsync(ct)));
        relay.MapPost("/dead-letters/{id:guid}/republish", async (Guid id, RelayOperations operations, CancellationToken ct) =>
            await operations.RepublishAsync(id, ct) ? Results.NoContent() : NoSuchDeadLetter());
        relay.MapDelete("/dead-letters/{id:guid}", async (Guid id, RelayOperations operations, CancellationToken ct) =>
            await operations.DiscardAsync(id, ct) ? Results.NoContent() : NoSuchDeadLetter());
        relay.MapPost("/replay", async (ReplayRequest request, RelayOperations operations, CancellationToken ct) =>
            {
                try
                {
                    return Results.Ok(await operations.ReplayAsync(request.Queue!, request.FromSequence ?? 0, ct));
                }
                catch (ReplayNotAcceptedException exception)
                {
                    return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound,
                        title: "No such consumer queue", detail: exception.Message);
                }
            })
            .AddEndpointFilter(new ValidationFilter<ReplayRequest>(new ReplayRequestValidator()));
    }

    private static IResult NoSuchDeadLetter() => Results.Problem(statusCode: StatusCodes.Status404NotFound,
        type: ProblemTypes.NotFound, title: "No such dead letter", detail: "It was re-published or discarded already.");
}
