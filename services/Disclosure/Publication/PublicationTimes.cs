using System.Globalization;

namespace VulnPlatform.Disclosure.Publication;

/// <summary>
/// A publication time as people give it — a date, a time of day and an IANA time zone — turned into
/// the one instant it means. A local time the zone skips (the hour clocks jump over) is refused; one it
/// passes twice (the hour clocks repeat) needs the UTC offset that says which.
/// </summary>
public static class PublicationTimes
{
    public static (PublicationTime? Time, string? Problem) Resolve(string date, string time, string zone, string? offset)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return (null, "The date is written as yyyy-MM-dd.");
        }
        // Far enough from the calendar's ends that every zone's offset keeps the instant representable.
        if (day.Year is < 1970 or > 9998)
        {
            return (null, "The date is between 1970-01-01 and 9998-12-31.");
        }
        if (!TimeOnly.TryParseExact(time, ["HH:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var clock))
        {
            return (null, "The time is written as HH:mm (24-hour clock).");
        }
        if (zone.Length > 64 || !TimeZoneInfo.TryFindSystemTimeZoneById(zone, out var tz) || !zone.Contains('/') && zone != "UTC")
        {
            return (null, "The time zone is an IANA name such as Europe/Berlin, Asia/Shanghai or UTC.");
        }
        var local = day.ToDateTime(clock, DateTimeKind.Unspecified);
        if (tz.IsInvalidTime(local))
        {
            return (null, $"{date} {time} does not exist in {zone}: the clocks skip it (daylight saving time). Choose another time.");
        }
        TimeSpan utcOffset;
        if (tz.IsAmbiguousTime(local))
        {
            var offsets = tz.GetAmbiguousTimeOffsets(local);
            if (offset is null || !TryOffset(offset, out var chosen) || !offsets.Contains(chosen))
            {
                return (null, $"{date} {time} happens twice in {zone} (the clocks go back); give the offset that means: "
                    + string.Join(" or ", offsets.Select(Format)) + ".");
            }
            utcOffset = chosen;
        }
        else
        {
            utcOffset = tz.GetUtcOffset(local);
        }
        var instant = new DateTimeOffset(local, utcOffset);
        return (new PublicationTime(instant.ToUniversalTime(), zone, $"{date}T{clock:HH\\:mm}{Format(utcOffset)}"), null);
    }

    private static bool TryOffset(string text, out TimeSpan offset)
    {
        offset = default;
        if (!DateTimeOffset.TryParseExact("2000-01-01T00:00" + text, "yyyy-MM-dd'T'HH:mmzzz", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            return false;
        }
        offset = parsed.Offset;
        return true;
    }

    private static string Format(TimeSpan offset) => (offset < TimeSpan.Zero ? "-" : "+") + offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
}
