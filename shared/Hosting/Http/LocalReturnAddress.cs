using System.Text;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// Where a page may send the browser next when a request names it (<c>returnUrl</c>): a path on this
/// site, never another. Browsers drop tabs and line breaks from addresses and read a backslash as a
/// slash, so <c>/\t/evil.example</c> or <c>/\evil.example</c> would leave the site: any such character
/// refuses the address, and what is accepted is rebuilt against a fixed origin, which also escapes
/// characters a <c>Location</c> header cannot carry.
/// </summary>
public static class LocalReturnAddress
{
    private const int MaxLength = 8192;
    private static readonly Uri Origin = new("https://return.invalid/");

    public static string Resolve(string? candidate, string fallback) => TryResolve(candidate, out var local) ? local : fallback;

    public static bool TryResolve(string? candidate, out string local)
    {
        local = "";
        if (string.IsNullOrEmpty(candidate) || candidate.Length > MaxLength || candidate[0] != '/') return false;
        if (candidate.Length > 1 && candidate[1] == '/') return false;
        foreach (var rune in candidate.EnumerateRunes())
        {
            // A broken surrogate pair comes out as the replacement character: refused like a control character.
            if (Rune.IsControl(rune) || Rune.IsWhiteSpace(rune) || rune.Value == '\\' || rune == Rune.ReplacementChar) return false;
        }
        if (!Uri.TryCreate(Origin, candidate, out var rebuilt) || rebuilt.Scheme != Origin.Scheme || rebuilt.Authority != Origin.Authority) return false;
        local = rebuilt.PathAndQuery + rebuilt.Fragment;
        return true;
    }
}
