namespace VulnPlatform.Intake.Tests;

[Collection(IntakeCollection.Name)]
public sealed class ConcurrentSubmissionTests(IntakeFixture intake)
{
    [Fact]
    public async Task Two_hundred_concurrent_submissions_get_distinct_consecutive_tracking_numbers()
    {
        const int submissions = 200;
        using var start = new SemaphoreSlim(0);
        var tasks = Enumerable.Range(0, submissions).Select(async _ =>
        {
            await start.WaitAsync();
            return await intake.SubmitAsync(Reports.Valid());
        }).ToList();
        start.Release(submissions);

        var responses = await Task.WhenAll(tasks);

        var numbers = responses.Select(r => r.TrackingNumber).ToList();
        Assert.Equal(submissions, numbers.Distinct().Count());
        Assert.All(numbers, n => Assert.Matches(@"^VR-\d{4}-\d{6}$", n));
        var sequence = numbers.Select(n => long.Parse(n[8..])).Order().ToList();
        // Nothing failed, so nothing was skipped: the numbers form one unbroken run.
        Assert.Equal(sequence[0] + submissions - 1, sequence[^1]);

        // A later submission gets a higher number than every earlier one.
        var later = await intake.SubmitAsync(Reports.Valid());
        Assert.True(long.Parse(later.TrackingNumber[8..]) > sequence[^1]);
    }
}
