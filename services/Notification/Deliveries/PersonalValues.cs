namespace VulnPlatform.Notification.Deliveries;

/// <summary>The message values that name a reporter (kept with a delivery or an inbox message), removed when their data is erased.</summary>
public static class PersonalValues
{
    private static readonly HashSet<string> Names = ["credit", "creditName", "reporterName", "reporterEmail", "reporterCredit"];

    public static Dictionary<string, string?> Without(IReadOnlyDictionary<string, string?> values) =>
        values.ToDictionary(v => v.Key, v => Names.Contains(v.Key) ? null : v.Value);
}
