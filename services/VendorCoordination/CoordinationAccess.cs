using System.Security.Claims;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.VendorCoordination;

/// <summary>Who may do what: coordinators run coordination; a vendor account acts for the organisation Identity bound it to.</summary>
public static class CoordinationAccess
{
    public const string Vendors = "coordination-vendors";
    /// <summary>The organisation a vendor account belongs to (Identity's claim).</summary>
    public const string OrganisationClaim = "vendor_org";

    public static void AddPolicies(Microsoft.AspNetCore.Authorization.AuthorizationBuilder authorization) => authorization
        .AddPolicy(Vendors, policy => policy.RequireClaim("aud", PlatformAccess.UserAudience).RequireRole(PlatformAccess.Vendor)
            .RequireAssertion(context => Guid.TryParse(context.User.FindFirst(OrganisationClaim)?.Value, out _)));

    public static Guid OrganisationOf(ClaimsPrincipal user) => Guid.Parse(user.FindFirst(OrganisationClaim)!.Value);
}
