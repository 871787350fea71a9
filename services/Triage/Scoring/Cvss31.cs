namespace VulnPlatform.Triage.Scoring;

/// <summary>A scored vector: the CVSS version, the base score and its qualitative severity.</summary>
public sealed record CvssScore(string Version, decimal BaseScore, string Severity);

/// <summary>A vector that cannot be scored, with the reason in words a person can act on.</summary>
public sealed record CvssError(string Reason);

/// <summary>
/// CVSS v3.1 base scores exactly as FIRST's specification defines them (section 7 and Appendix A's
/// Roundup). Temporal and environmental metrics may be present and must be valid; the base score
/// ignores them.
/// </summary>
public static class Cvss31
{
    public const string Prefix = "CVSS:3.1/";

    private static readonly string[] BaseMetrics = ["AV", "AC", "PR", "UI", "S", "C", "I", "A"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["AV"] = ["N", "A", "L", "P"], ["AC"] = ["L", "H"], ["PR"] = ["N", "L", "H"], ["UI"] = ["N", "R"], ["S"] = ["U", "C"],
        ["C"] = ["H", "L", "N"], ["I"] = ["H", "L", "N"], ["A"] = ["H", "L", "N"],
        ["E"] = ["X", "H", "F", "P", "U"], ["RL"] = ["X", "U", "W", "T", "O"], ["RC"] = ["X", "C", "R", "U"],
        ["CR"] = ["X", "H", "M", "L"], ["IR"] = ["X", "H", "M", "L"], ["AR"] = ["X", "H", "M", "L"],
        ["MAV"] = ["X", "N", "A", "L", "P"], ["MAC"] = ["X", "L", "H"], ["MPR"] = ["X", "N", "L", "H"], ["MUI"] = ["X", "N", "R"],
        ["MS"] = ["X", "U", "C"], ["MC"] = ["X", "H", "L", "N"], ["MI"] = ["X", "H", "L", "N"], ["MA"] = ["X", "H", "L", "N"],
    };

    public static (CvssScore? Score, CvssError? Error) Score(string vector)
    {
        var (metrics, error) = CvssVectors.Parse(vector, Prefix, "3.1", Allowed, BaseMetrics);
        if (metrics is null) return (null, error);

        var changed = metrics["S"] == "C";
        double Cia(string metric) => metrics[metric] switch { "H" => 0.56, "L" => 0.22, _ => 0 };
        var iss = 1 - (1 - Cia("C")) * (1 - Cia("I")) * (1 - Cia("A"));
        var impact = changed ? 7.52 * (iss - 0.029) - 3.25 * Math.Pow(iss - 0.02, 15) : 6.42 * iss;
        var attackVector = metrics["AV"] switch { "N" => 0.85, "A" => 0.62, "L" => 0.55, _ => 0.2 };
        var complexity = metrics["AC"] == "L" ? 0.77 : 0.44;
        var privileges = metrics["PR"] switch { "N" => 0.85, "L" => changed ? 0.68 : 0.62, _ => changed ? 0.5 : 0.27 };
        var interaction = metrics["UI"] == "N" ? 0.85 : 0.62;
        var exploitability = 8.22 * attackVector * complexity * privileges * interaction;

        var score = impact <= 0 ? 0
            : changed ? Roundup(Math.Min(1.08 * (impact + exploitability), 10))
            : Roundup(Math.Min(impact + exploitability, 10));
        return (new CvssScore("3.1", score, Severity(score)), null);
    }

    /// <summary>FIRST's qualitative rating scale (the same for v3.1 and v4.0).</summary>
    public static string Severity(decimal score) => score switch
    {
        0 => "None",
        < 4.0m => "Low",
        < 7.0m => "Medium",
        < 9.0m => "High",
        _ => "Critical",
    };

    /// <summary>Appendix A: the smallest number, to one decimal place, equal to or higher than its input, free of floating-point error.</summary>
    private static decimal Roundup(double input)
    {
        var integer = (long)Math.Round(input * 100_000);
        return integer % 10_000 == 0 ? integer / 100_000m : (Math.Floor(integer / 10_000m) + 1) / 10m;
    }
}
