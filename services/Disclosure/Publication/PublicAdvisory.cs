using System.Security.Cryptography;
using System.Text;
using Marten;
using Microsoft.Extensions.Options;
using VulnPlatform.Disclosure.Advisories;
using VulnPlatform.Disclosure.Csaf;
using VulnPlatform.Disclosure.Facts;

namespace VulnPlatform.Disclosure.Publication;

public sealed record PublicRevision(string Number, DateTimeOffset Date, string Summary);

/// <summary>
/// An advisory as the public will see it from <see cref="VisibleFrom"/> (its set's instant), kept
/// ready with its CSAF document and hashes. Every public endpoint reads only these, and only those
/// whose instant has passed at the moment of the request: before it, they do not exist.
/// </summary>
public sealed class PublicAdvisory
{
    public Guid Id { get; set; }
    public string PublicId { get; set; } = "";
    public Guid SetId { get; set; }
    public DateTimeOffset VisibleFrom { get; set; }
    public string TimeZone { get; set; } = "UTC";
    public string LocalTime { get; set; } = "";
    public int Year { get; set; }
    public AdvisoryContent Content { get; set; } = null!;
    public List<PublicRevision> Revisions { get; set; } = [];
    public DateTimeOffset CurrentReleaseDate { get; set; }
    public string Csaf { get; set; } = "";
    public string CsafSha256 { get; set; } = "";
    public string CsafSha512 { get; set; } = "";
}

/// <summary>Rebuilds a set's public records in the caller's transaction whenever the set or one of its advisories changes.</summary>
public sealed class PublicRecords(IOptions<PublisherOptions> publisher, IConfiguration configuration)
{
    public Uri Origin { get; } = new(configuration["PublicOrigin"]?.TrimEnd('/') + "/");

    public string OsvIdPrefix => publisher.Value.OsvIdPrefix;

    /// <summary>
    /// Rebuilds a set's public records from the set as it is now: its stream is locked and read again in
    /// this transaction (the caller commits), so a cancellation or a move committed by someone else
    /// meanwhile is what the records follow — never a copy read earlier. A set never scheduled has none.
    /// Every writer of public records goes through here, except the schedule's own change, which holds the lock already.
    /// </summary>
    public async Task<JasperFx.Events.IEventStream<DisclosureSet>?> RefreshLockedAsync(
        IDocumentSession session, Guid setId, DateTimeOffset now, CancellationToken cancellationToken, CaseFacts? facts = null)
    {
        var stream = await session.Events.FetchForExclusiveWriting<DisclosureSet>(setId, cancellationToken);
        if (stream.Aggregate is not { } set) return null;
        await RefreshAsync(session, setId, now, cancellationToken, set, facts: facts);
        return stream;
    }

    public async Task RefreshAsync(IDocumentSession session, Guid setId, DateTimeOffset now, CancellationToken cancellationToken,
        DisclosureSet? set = null, IReadOnlyList<Advisory>? advisories = null, CaseFacts? facts = null)
    {
        set ??= await session.LoadAsync<DisclosureSet>(setId, cancellationToken);
        advisories ??= await session.Query<Advisory>().Where(a => a.SetId == setId).ToListAsync(cancellationToken);
        if (set?.Time is not { } time)
        {
            session.DeleteWhere<PublicAdvisory>(p => p.SetId == setId);
            return;
        }
        facts ??= await session.LoadAsync<CaseFacts>(setId, cancellationToken);
        foreach (var advisory in advisories)
        {
            session.Store(Build(advisory, time, facts?.AllowedCredit, now));
        }
    }

    public PublicAdvisory Build(Advisory advisory, PublicationTime time, string? allowedCredit, DateTimeOffset now)
    {
        // Public revision 1 is the advisory as it stands at the instant; every version after the instant is a revision with its summary.
        var revisions = new List<PublicRevision> { new("1", time.Instant, "Initial public release.") };
        foreach (var revision in advisory.Revisions.Where(r => r.At >= time.Instant))
        {
            revisions.Add(new PublicRevision((revisions.Count + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), revision.At, revision.ChangeSummary));
        }
        // The credit is published only as the reporter allows it at this moment.
        var content = advisory.Content with { Credit = advisory.Content.Credit is { } credit && credit == allowedCredit ? credit : null };
        var record = new PublicAdvisory
        {
            Id = advisory.Id, PublicId = advisory.PublicId, SetId = advisory.SetId, VisibleFrom = time.Instant, TimeZone = time.TimeZone,
            LocalTime = time.LocalTime, Year = time.Instant.UtcDateTime.Year, Content = content, Revisions = revisions, CurrentReleaseDate = revisions[^1].Date,
        };
        record.Csaf = CsafWriter.Write(record, publisher.Value, Origin, now);
        var bytes = Encoding.UTF8.GetBytes(record.Csaf);
        record.CsafSha256 = Convert.ToHexStringLower(SHA256.HashData(bytes));
        record.CsafSha512 = Convert.ToHexStringLower(SHA512.HashData(bytes));
        return record;
    }
}
