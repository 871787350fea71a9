namespace VulnPlatform.Testing;

/// <summary>Settings for the schedule watches (SLA clocks, vendor deadlines, publication) in tests that move a fake clock.</summary>
public static class Watches
{
    /// <summary>
    /// A poll interval no test's clock moves past (49 days, just under what a timer takes): the hosted watch
    /// runs its round at start (a restart catches up) and never again on its own, so a jump of the fake clock
    /// does not set off a background round racing the rounds the test runs and counts itself.
    /// </summary>
    public const string OnlyAtStart = "49.00:00:00";
}
