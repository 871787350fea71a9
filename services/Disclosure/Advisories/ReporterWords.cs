namespace VulnPlatform.Disclosure.Advisories;

/// <summary>
/// The rule that the reporter's raw text never goes public unread: a set is not scheduled, nor published,
/// while any of its advisories still has fields in the reporter's own words as drafted (<see cref="Advisory.Unreviewed"/>).
/// </summary>
public static class ReporterWords
{
    /// <summary>The problem type (and hold reason) when a set's advisories still carry the reporter's words unread.</summary>
    public const string Unreviewed = "reporter-words-unreviewed";

    /// <summary>The public ids, in order, of the advisories still carrying the reporter's words as drafted.</summary>
    public static IReadOnlyList<string> UnreviewedOf(IEnumerable<Advisory> advisories) =>
        advisories.Where(a => a.Unreviewed.Count > 0).Select(a => a.PublicId).Order(StringComparer.Ordinal).ToList();

    /// <summary>What a coordinator is told about them (refused schedule, held publication).</summary>
    public static string Detail(IReadOnlyList<string> unreviewed) =>
        $"{string.Join(", ", unreviewed)} still carry the reporter's own words as drafted (title, summary): a coordinator must open each, read and save it.";
}
