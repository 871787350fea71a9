using Marten;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports;

/// <summary>A report's data key as it can be had now: readable, erased, or locked under a key-ring key this server lacks.</summary>
public sealed record ReportKey(byte[]? DataKey, bool IsErased, string? MissingKeyId)
{
    public static ReportKey Erased { get; } = new(null, true, null);
}

/// <summary>
/// Each report's own data key (envelope encryption, <see cref="DataKeys"/>). Contact details and
/// attachments are sealed under purpose subkeys of it; erasing a report deletes it.
/// </summary>
public sealed class ReportKeys(DataKeys keys)
{
    public const string ContactPurpose = "intake/reporter-contact";
    public const string AttachmentPurpose = "intake/attachment";

    public WrappedDataKey Create(Guid reportId, DateTimeOffset now, out byte[] dataKey) => keys.Create(reportId, now, out dataKey);

    public async Task<ReportKey> LoadAsync(IQuerySession session, Guid reportId, CancellationToken cancellationToken)
    {
        if (await session.LoadAsync<WrappedDataKey>(reportId, cancellationToken) is not { } wrapped)
        {
            return ReportKey.Erased;
        }
        try
        {
            return new ReportKey(keys.Unwrap(wrapped), false, null);
        }
        catch (UnknownKeyException)
        {
            return new ReportKey(null, false, wrapped.Wrapped.KeyId);
        }
    }
}
