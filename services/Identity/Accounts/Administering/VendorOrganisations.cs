using Marten;
using VulnPlatform.Contracts.VendorCoordination;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;

namespace VulnPlatform.Identity.Accounts.Administering;

/// <summary>A vendor organisation Vendor Coordination registered: the only kind a vendor-role account may act for.</summary>
public sealed class KnownOrganisation
{
    public Guid Id { get; set; }
    public string Name { get; set; } = "";
    public DateTimeOffset RegisteredAt { get; set; }
}

/// <summary>
/// Keeps the organisations Vendor Coordination registered, so an admin cannot bind a vendor account to
/// an organisation that does not exist. An installation that registered organisations before this
/// consumer existed replays Vendor Coordination's events into its queue once (README, "Upgrading").
/// </summary>
public sealed class VendorOrganisationRegisteredConsumer(ISessionFactory sessions, TimeProvider time)
    : IdempotentConsumer<VendorOrganisationRegistered>(sessions, time)
{
    protected override string ConsumerName => "identity.vendor-organisation-registered";

    protected override Task HandleAsync(VendorOrganisationRegistered m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        session.Store(new KnownOrganisation { Id = m.OrganisationId, Name = m.Name, RegisteredAt = m.RegisteredAt });
        return Task.CompletedTask;
    }
}

public static class VendorOrganisations
{
    /// <summary>Null when <paramref name="organisation"/> may be bound (none, or one registered); otherwise the 400 to answer.</summary>
    public static async Task<IResult?> RefuseUnknownAsync(IQuerySession session, Guid? organisation, CancellationToken ct) =>
        organisation is { } id && await session.LoadAsync<KnownOrganisation>(id, ct) is null
            ? Results.ValidationProblem(
                new Dictionary<string, string[]> { ["vendorOrganisationId"] = ["No vendor organisation with this id is registered in vendor coordination."] },
                type: ProblemTypes.Validation, title: "Unknown vendor organisation")
            : null;
}
