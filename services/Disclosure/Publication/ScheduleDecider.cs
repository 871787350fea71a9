using VulnPlatform.Disclosure.Facts;

namespace VulnPlatform.Disclosure.Publication;

/// <summary>Something about a publication instant that the coordination has not agreed to (a code and the words for it).</summary>
public sealed record ScheduleConcern(string Code, string Detail, string? Vendor = null)
{
    /// <summary>The instant is before the disclosure date agreed with the vendors.</summary>
    public const string BeforeAgreedDate = "before-agreed-date";

    /// <summary>The instant is closer than the customers' pre-notice lead time: they would get less warning than promised.</summary>
    public const string InsidePreNoticeLead = "inside-pre-notice-lead";

    /// <summary>A notified vendor has not acknowledged the case.</summary>
    public const string VendorNotAcknowledged = "vendor-not-acknowledged";

    /// <summary>A notified vendor acknowledged but has given no final status (fixed, affected or not affected).</summary>
    public const string VendorNoFinalStatus = "vendor-no-final-status";
}

/// <summary>
/// Whether a publication instant is coordinated: not before the agreed disclosure date, not inside the
/// customers' pre-notice lead time, and every notified vendor has acknowledged and given a final status.
/// Each unmet condition is a concern; a coordinator may go ahead only by confirming an override with a
/// reason (recorded with the schedule and shown to the vendors).
/// </summary>
public static class ScheduleDecider
{
    private static readonly HashSet<string> FinalStatuses = ["fixed", "affected", "not-affected"];

    public static IReadOnlyList<ScheduleConcern> Concerns(CaseFacts? facts, DateTimeOffset instant, DateTimeOffset now, TimeSpan preNoticeLead)
    {
        List<ScheduleConcern> concerns = [];
        if (facts?.AgreedDisclosureAt is { } agreed && instant < agreed)
        {
            concerns.Add(new(ScheduleConcern.BeforeAgreedDate,
                $"The instant is before the disclosure date agreed with the vendors ({agreed.UtcDateTime:yyyy-MM-dd HH:mm} UTC)."));
        }
        if (instant - now < preNoticeLead)
        {
            concerns.Add(new(ScheduleConcern.InsidePreNoticeLead,
                $"The instant is less than {Lead(preNoticeLead)} away: customers get their embargoed pre-notice {Lead(preNoticeLead)} ahead, and would get less."));
        }
        foreach (var vendor in facts?.Vendors ?? [])
        {
            var name = vendor.Name.Length > 0 ? vendor.Name : "A notified vendor";
            if (!vendor.Acknowledged && !FinalStatuses.Contains(vendor.Status))
            {
                concerns.Add(new(ScheduleConcern.VendorNotAcknowledged, $"{name} has not acknowledged the case.", name));
            }
            else if (!FinalStatuses.Contains(vendor.Status))
            {
                concerns.Add(new(ScheduleConcern.VendorNoFinalStatus, $"{name} has given no final status (fixed, affected or not affected).", name));
            }
        }
        return concerns;
    }

    private static string Lead(TimeSpan lead) => lead.TotalHours >= 24 && lead.TotalHours % 24 == 0 ? $"{lead.TotalDays:0} days" : $"{lead.TotalHours:0.#} hours";
}
