using Marten;
using VulnPlatform.Contracts.Identity;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Messaging;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.VendorCoordination.Directory;

/// <summary>
/// A vendor-role account Identity bound to an organisation (from Identity's events: the account id and
/// since when — its e-mail address stays in Identity, where an administrator manages it).
/// </summary>
public sealed class OrganisationMember
{
    public Guid Id { get; set; }
    public Guid OrganisationId { get; set; }
    public DateTimeOffset Since { get; set; }
    public bool Disabled { get; set; }
}

public sealed class VendorRoleGrantedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<RoleGranted>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.role-granted";

    protected override Task HandleAsync(RoleGranted m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (m.Role == PlatformAccess.Vendor && m.VendorOrganisationId is { } organisation)
        {
            session.Store(new OrganisationMember { Id = m.AccountId, OrganisationId = organisation, Since = m.GrantedAt });
        }
        return Task.CompletedTask;
    }
}

public sealed class VendorRoleRevokedConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<RoleRevoked>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.role-revoked";

    protected override Task HandleAsync(RoleRevoked m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (m.Role == PlatformAccess.Vendor) session.Delete<OrganisationMember>(m.AccountId);
        return Task.CompletedTask;
    }
}

public sealed class VendorAccountDisabledConsumer(ISessionFactory sessions, TimeProvider time) : IdempotentConsumer<AccountDisabled>(sessions, time)
{
    protected override string ConsumerName => "vendorcoordination.account-disabled";

    protected override async Task HandleAsync(AccountDisabled m, Delivery delivery, IDocumentSession session, CancellationToken cancellationToken)
    {
        if (await session.LoadAsync<OrganisationMember>(m.AccountId, cancellationToken) is not { } member) return;
        member.Disabled = true;
        session.Store(member);
    }
}

public static class MemberEndpoints
{
    /// <summary><c>GET /api/coordination/vendors/{id}/accounts</c>: the vendor-role accounts acting for the organisation.</summary>
    public static void MapMembers(this RouteGroupBuilder vendors) =>
        vendors.MapGet("/{id:guid}/accounts", async (Guid id, IQuerySession session, int? page, int? pageSize, CancellationToken ct) =>
        {
            var (paging, invalid) = Paging.From(page, pageSize, defaultSize: 50, maxSize: 200);
            if (invalid is not null) return invalid;
            if (await session.LoadAsync<Organisation>(id, ct) is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "No such vendor",
                    detail: "The directory has no organisation with this id.");
            }
            var query = session.Query<OrganisationMember>().Where(m => m.OrganisationId == id);
            var total = await query.CountAsync(ct);
            var items = await query.OrderBy(m => m.Since).Skip(paging.Skip).Take(paging.Size).ToListAsync(ct);
            return Results.Ok(paging.Of(items, total));
        }).WithName("VendorAccounts");
}
