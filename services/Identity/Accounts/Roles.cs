namespace VulnPlatform.Identity.Accounts;

public static class Roles
{
    public const string Reporter = "reporter";
    public const string Analyst = "analyst";
    public const string Coordinator = "coordinator";
    public const string Vendor = "vendor";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Reporter, Analyst, Coordinator, Vendor, Admin };

    /// <summary>Roles whose accounts cannot sign in without a second factor.</summary>
    public static readonly IReadOnlySet<string> RequiringTwoFactor = new HashSet<string> { Analyst, Coordinator, Vendor, Admin };

    /// <summary>Staff roles read every report; a vendor or reporter never does.</summary>
    public static readonly IReadOnlySet<string> Staff = new HashSet<string> { Analyst, Coordinator, Admin };
}
