using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Identity.Accounts;

/// <summary>The roles Identity grants (their names are the ones every service checks, <see cref="PlatformAccess"/>).</summary>
public static class Roles
{
    public const string Reporter = PlatformAccess.Reporter;
    public const string Analyst = PlatformAccess.Analyst;
    public const string Coordinator = PlatformAccess.Coordinator;
    public const string Vendor = PlatformAccess.Vendor;
    public const string Admin = PlatformAccess.Admin;

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Reporter, Analyst, Coordinator, Vendor, Admin };

    /// <summary>Roles whose accounts cannot sign in without a second factor.</summary>
    public static readonly IReadOnlySet<string> RequiringTwoFactor = new HashSet<string> { Analyst, Coordinator, Vendor, Admin };

    /// <summary>Staff roles read every report; a vendor or reporter never does.</summary>
    public static readonly IReadOnlySet<string> Staff = new HashSet<string> { Analyst, Coordinator, Admin };
}
