using Marten;

namespace VulnPlatform.Intake.Reports;

/// <summary>
/// Who read a report's file or identity, recorded before it is served. The record holds the report's
/// stream as every other writer does: a plain append takes the stream's version unlocked, so a write
/// landing meanwhile (a consumer adding a vendor's notice to the thread) made the download fail with 409.
/// </summary>
public static class AccessRecords
{
    public static async Task RecordAsync(IDocumentSession session, Guid reportId, object record, CancellationToken cancellationToken)
    {
        var stream = await session.Events.FetchForExclusiveWriting<Report>(reportId, cancellationToken);
        stream.AppendOne(record);
        await session.SaveChangesAsync(cancellationToken);
    }
}
