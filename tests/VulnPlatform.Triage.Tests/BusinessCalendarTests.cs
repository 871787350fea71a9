using VulnPlatform.ServiceDefaults.Calendar;
using VulnPlatform.Triage.Sla;

namespace VulnPlatform.Triage.Tests;

/// <summary>The update clock's business days: weekends, holidays, the organisation's time zone, daylight saving.</summary>
[Trait("Servers", "none")]
public sealed class BusinessCalendarTests
{
    private static readonly BusinessCalendar Utc = new(new BusinessCalendarOptions());

    [Fact]
    public void Five_business_days_after_a_weekday_is_the_same_time_a_week_later()
    {
        var friday = new DateTimeOffset(2026, 11, 27, 15, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 4, 15, 0, 0, TimeSpan.Zero), Utc.AddBusinessDays(friday, 5));
        var wednesday = new DateTimeOffset(2026, 11, 25, 9, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 2, 9, 30, 0, TimeSpan.Zero), Utc.AddBusinessDays(wednesday, 5));
    }

    [Fact]
    public void A_message_at_the_weekend_counts_from_the_start_of_monday()
    {
        var saturday = new DateTimeOffset(2026, 11, 28, 22, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 7, 0, 0, 0, TimeSpan.Zero), Utc.AddBusinessDays(saturday, 5));
    }

    [Fact]
    public void Holidays_are_skipped()
    {
        var calendar = new BusinessCalendar(new BusinessCalendarOptions { Holidays = [new DateOnly(2026, 12, 25), new DateOnly(2027, 1, 1)] });
        var tuesday = new DateTimeOffset(2026, 12, 22, 10, 0, 0, TimeSpan.Zero);
        // Wed 23, Thu 24, (Fri 25 holiday), Mon 28, Tue 29, Wed 30.
        Assert.Equal(new DateTimeOffset(2026, 12, 30, 10, 0, 0, TimeSpan.Zero), calendar.AddBusinessDays(tuesday, 5));
        Assert.False(calendar.IsBusinessDay(new DateOnly(2027, 1, 1)));
    }

    [Fact]
    public void Days_begin_and_end_in_the_organisations_time_zone()
    {
        var shanghai = new BusinessCalendar(new BusinessCalendarOptions { TimeZone = "Asia/Shanghai" });
        // Friday 23:30 UTC is already Saturday 07:30 in Shanghai: counting starts Monday 00:00 there (Sunday 16:00 UTC).
        var fridayNightUtc = new DateTimeOffset(2026, 11, 27, 23, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 16, 0, 0, TimeSpan.Zero), shanghai.AddBusinessDays(fridayNightUtc, 5));
    }

    [Fact]
    public void Across_a_daylight_saving_change_the_wall_clock_time_is_kept()
    {
        var berlin = new BusinessCalendar(new BusinessCalendarOptions { TimeZone = "Europe/Berlin" });
        // Friday 23 October 2026, 12:00 in Berlin (CEST, UTC+2); clocks go back on Sunday 25 October.
        var before = new DateTimeOffset(2026, 10, 23, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 10, 30, 11, 0, 0, TimeSpan.Zero), berlin.AddBusinessDays(before, 5)); // 12:00 CET
        // Spring: Friday 27 March 2026 02:30 CET; 02:30 on the next day it lands on exists, so the time is kept.
        var spring = new DateTimeOffset(2026, 3, 27, 1, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 4, 3, 0, 30, 0, TimeSpan.Zero), berlin.AddBusinessDays(spring, 5)); // 02:30 CEST
    }

    [Fact]
    public void A_week_of_one_working_day_still_counts()
    {
        var mondays = new BusinessCalendar(new BusinessCalendarOptions { WorkingDays = [DayOfWeek.Monday] });
        var monday = new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero);
        Assert.Equal(monday.AddDays(14), mondays.AddBusinessDays(monday, 2));
        Assert.Throws<ArgumentException>(() => new BusinessCalendar(new BusinessCalendarOptions { WorkingDays = [] }));
    }
}
