using Microsoft.Extensions.Configuration;

namespace VulnPlatform.ServiceDefaults.Calendar;

/// <summary>The organisation's working week (section <c>Calendar</c>, one for the platform): Monday to Friday, no holidays, UTC unless configured.</summary>
public sealed class BusinessCalendarOptions
{
    public const string Section = "Calendar";

    /// <summary>An IANA time zone name (e.g. <c>Asia/Shanghai</c>): days begin and end there.</summary>
    public string TimeZone { get; set; } = "UTC";

    public DayOfWeek[] WorkingDays { get; set; } =
        [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    /// <summary>Public holidays, as dates in the organisation's time zone.</summary>
    public DateOnly[] Holidays { get; set; } = [];
}

/// <summary>
/// Business-day arithmetic for the update clock: a deadline <c>n</c> business days after a moment is
/// the same wall-clock time in the organisation's zone on the n-th business day after that day (a
/// moment outside business days counts from the start of the next one). Daylight-saving changes
/// keep the wall-clock time; a time the change skips moves forward by the gap.
/// </summary>
public sealed class BusinessCalendar
{
    private readonly TimeZoneInfo _zone;
    private readonly HashSet<DayOfWeek> _workingDays;
    private readonly HashSet<DateOnly> _holidays;

    public BusinessCalendar(BusinessCalendarOptions options)
    {
        _zone = TimeZoneInfo.FindSystemTimeZoneById(options.TimeZone);
        _workingDays = [.. options.WorkingDays];
        _holidays = [.. options.Holidays];
        if (_workingDays.Count == 0) throw new ArgumentException("A business calendar needs at least one working day.", nameof(options));
    }

    /// <summary>The platform's calendar from configuration (section <c>Calendar</c>; the defaults when absent).</summary>
    public static BusinessCalendar From(IConfiguration configuration) =>
        new(configuration.GetSection(BusinessCalendarOptions.Section).Get<BusinessCalendarOptions>() ?? new BusinessCalendarOptions());

    public bool IsBusinessDay(DateOnly day) => _workingDays.Contains(day.DayOfWeek) && !_holidays.Contains(day);

    public DateTimeOffset AddBusinessDays(DateTimeOffset start, int days)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        var local = TimeZoneInfo.ConvertTime(start, _zone);
        var day = DateOnly.FromDateTime(local.DateTime);
        var timeOfDay = TimeOnly.FromDateTime(local.DateTime);
        if (!IsBusinessDay(day))
        {
            do day = day.AddDays(1); while (!IsBusinessDay(day));
            timeOfDay = TimeOnly.MinValue;
        }
        for (var counted = 0; counted < days;)
        {
            day = day.AddDays(1);
            if (IsBusinessDay(day)) counted++;
        }
        return AtLocal(day, timeOfDay);
    }

    /// <summary>The instant of a wall-clock time in the organisation's zone.</summary>
    private DateTimeOffset AtLocal(DateOnly day, TimeOnly time)
    {
        var wall = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (_zone.IsInvalidTime(wall)) wall = wall.AddMinutes(30); // skipped by a spring-forward change
        var offset = _zone.IsAmbiguousTime(wall) ? _zone.GetAmbiguousTimeOffsets(wall).Max() : _zone.GetUtcOffset(wall);
        return new DateTimeOffset(wall, offset).ToUniversalTime();
    }
}
