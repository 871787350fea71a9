using Marten;
using VulnPlatform.ServiceDefaults.Persistence;

namespace VulnPlatform.Intake.Reports;

/// <summary>Tracking numbers (<c>VR-2026-000123</c>) from one PostgreSQL sequence per year in Intake's database.</summary>
public sealed class TrackingNumbers(IConfiguration configuration, IDocumentStore store) : IDisposable
{
    private readonly YearlySequence _sequence = new("intake_tracking_numbers", configuration, store);

    public void Dispose() => _sequence.Dispose();

    public static string Format(int year, long number) => $"VR-{year}-{number:D6}";

    public async Task<string> NextAsync(int year, CancellationToken cancellationToken) => Format(year, await _sequence.NextAsync(year, cancellationToken));
}
