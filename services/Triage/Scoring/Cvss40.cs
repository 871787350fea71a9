namespace VulnPlatform.Triage.Scoring;

/// <summary>
/// CVSS v4.0 scores as FIRST's specification (section 8) and reference calculator compute them: the
/// vector's macro vector (equivalence sets EQ1..EQ6) gives a score from the published lookup table,
/// then the score is lowered by the vector's mean proportional distance from the highest-severity
/// vectors of its macro vector towards the next lower macro vectors. Threat (E) and environmental
/// metrics take part; supplemental metrics are validated and do not change the score.
/// </summary>
public static class Cvss40
{
    public const string Prefix = "CVSS:4.0/";

    private static readonly string[] BaseMetrics = ["AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA"];

    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["AV"] = ["N", "A", "L", "P"], ["AC"] = ["L", "H"], ["AT"] = ["N", "P"], ["PR"] = ["N", "L", "H"], ["UI"] = ["N", "P", "A"],
        ["VC"] = ["H", "L", "N"], ["VI"] = ["H", "L", "N"], ["VA"] = ["H", "L", "N"],
        ["SC"] = ["H", "L", "N"], ["SI"] = ["H", "L", "N"], ["SA"] = ["H", "L", "N"],
        ["E"] = ["X", "A", "P", "U"],
        ["CR"] = ["X", "H", "M", "L"], ["IR"] = ["X", "H", "M", "L"], ["AR"] = ["X", "H", "M", "L"],
        ["MAV"] = ["X", "N", "A", "L", "P"], ["MAC"] = ["X", "L", "H"], ["MAT"] = ["X", "N", "P"], ["MPR"] = ["X", "N", "L", "H"],
        ["MUI"] = ["X", "N", "P", "A"], ["MVC"] = ["X", "H", "L", "N"], ["MVI"] = ["X", "H", "L", "N"], ["MVA"] = ["X", "H", "L", "N"],
        ["MSC"] = ["X", "H", "L", "N"], ["MSI"] = ["X", "S", "H", "L", "N"], ["MSA"] = ["X", "S", "H", "L", "N"],
        ["S"] = ["X", "N", "P"], ["AU"] = ["X", "N", "Y"], ["R"] = ["X", "A", "U", "I"], ["V"] = ["X", "D", "C"],
        ["RE"] = ["X", "L", "M", "H"], ["U"] = ["X", "Clear", "Green", "Amber", "Red"],
    };

    // Severity order of each metric's values, most severe first (the distance unit is one step).
    private static readonly Dictionary<string, string[]> Severity = new()
    {
        ["AV"] = ["N", "A", "L", "P"], ["PR"] = ["N", "L", "H"], ["UI"] = ["N", "P", "A"], ["AC"] = ["L", "H"], ["AT"] = ["N", "P"],
        ["VC"] = ["H", "L", "N"], ["VI"] = ["H", "L", "N"], ["VA"] = ["H", "L", "N"],
        ["SC"] = ["H", "L", "N"], ["SI"] = ["S", "H", "L", "N"], ["SA"] = ["S", "H", "L", "N"],
        ["CR"] = ["H", "M", "L"], ["IR"] = ["H", "M", "L"], ["AR"] = ["H", "M", "L"],
    };

    // The highest-severity vectors of each equivalence set's levels (specification tables 24-30).
    private static readonly string[][] Eq1Max = [["AV:N/PR:N/UI:N"], ["AV:A/PR:N/UI:N", "AV:N/PR:L/UI:N", "AV:N/PR:N/UI:P"], ["AV:P/PR:N/UI:N", "AV:A/PR:L/UI:P"]];
    private static readonly string[][] Eq2Max = [["AC:L/AT:N"], ["AC:H/AT:N", "AC:L/AT:P"]];
    private static readonly Dictionary<(int, int), string[]> Eq3Eq6Max = new()
    {
        [(0, 0)] = ["VC:H/VI:H/VA:H/CR:H/IR:H/AR:H"],
        [(0, 1)] = ["VC:H/VI:H/VA:L/CR:M/IR:M/AR:H", "VC:H/VI:H/VA:H/CR:M/IR:M/AR:M"],
        [(1, 0)] = ["VC:L/VI:H/VA:H/CR:H/IR:H/AR:H", "VC:H/VI:L/VA:H/CR:H/IR:H/AR:H"],
        [(1, 1)] = ["VC:L/VI:H/VA:L/CR:H/IR:M/AR:H", "VC:L/VI:H/VA:H/CR:H/IR:M/AR:M", "VC:H/VI:L/VA:H/CR:M/IR:H/AR:M", "VC:H/VI:L/VA:L/CR:M/IR:H/AR:H", "VC:L/VI:L/VA:H/CR:H/IR:H/AR:M"],
        [(2, 1)] = ["VC:L/VI:L/VA:L/CR:H/IR:H/AR:H"],
    };
    private static readonly string[][] Eq4Max = [["SC:H/SI:S/SA:S"], ["SC:H/SI:H/SA:H"], ["SC:L/SI:L/SA:L"]];

    // The largest severity distance within each level (the reference calculator's max_severity, in steps).
    private static readonly int[] Eq1Depth = [1, 4, 5];
    private static readonly int[] Eq2Depth = [1, 2];
    private static readonly Dictionary<(int, int), int> Eq3Eq6Depth = new() { [(0, 0)] = 7, [(0, 1)] = 6, [(1, 0)] = 8, [(1, 1)] = 8, [(2, 1)] = 10 };
    private static readonly int[] Eq4Depth = [6, 5, 4];

    public static (CvssScore? Score, CvssError? Error) Score(string vector)
    {
        var (metrics, error) = CvssVectors.Parse(vector, Prefix, "4.0", Allowed, BaseMetrics);
        if (metrics is null) return (null, error);

        var score = Compute(metric => Effective(metrics, metric));
        return (new CvssScore("4.0", score, Cvss31.Severity(score)), null);
    }

    /// <summary>A metric's value for scoring: the modified one when given, the worst case for unset threat and requirements.</summary>
    private static string Effective(Dictionary<string, string> metrics, string metric)
    {
        if (BaseMetrics.Contains(metric) && metrics.TryGetValue("M" + metric, out var modified) && modified != "X") return modified;
        if (metrics.TryGetValue(metric, out var value) && value != "X") return value;
        return metric switch { "E" => "A", "CR" or "IR" or "AR" => "H", _ => throw new InvalidOperationException(metric) };
    }

    private static decimal Compute(Func<string, string> m)
    {
        if (new[] { "VC", "VI", "VA", "SC", "SI", "SA" }.All(x => m(x) == "N")) return 0;

        var eq1 = m("AV") == "N" && m("PR") == "N" && m("UI") == "N" ? 0
            : (m("AV") == "N" || m("PR") == "N" || m("UI") == "N") && m("AV") != "P" ? 1 : 2;
        var eq2 = m("AC") == "L" && m("AT") == "N" ? 0 : 1;
        var eq3 = m("VC") == "H" && m("VI") == "H" ? 0 : m("VC") == "H" || m("VI") == "H" || m("VA") == "H" ? 1 : 2;
        var eq4 = m("SI") == "S" || m("SA") == "S" ? 0 : m("SC") == "H" || m("SI") == "H" || m("SA") == "H" ? 1 : 2;
        var eq5 = m("E") switch { "A" => 0, "P" => 1, _ => 2 };
        var eq6 = (m("CR") == "H" && m("VC") == "H") || (m("IR") == "H" && m("VI") == "H") || (m("AR") == "H" && m("VA") == "H") ? 0 : 1;

        double Lookup(int e1, int e2, int e3, int e4, int e5, int e6) =>
            Cvss40MacroVectors.Scores.TryGetValue($"{e1}{e2}{e3}{e4}{e5}{e6}", out var s) ? (double)s : double.NaN;
        var value = Lookup(eq1, eq2, eq3, eq4, eq5, eq6);

        // The next lower macro vector along each equivalence set (EQ3 and EQ6 move together).
        var lower1 = Lookup(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
        var lower2 = Lookup(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
        var lower36 = (eq3, eq6) switch
        {
            (0, 0) => Math.Max(Lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6), Lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1)),
            (1, 0) => Lookup(eq1, eq2, eq3, eq4, eq5, eq6 + 1),
            (0, 1) or (1, 1) => Lookup(eq1, eq2, eq3 + 1, eq4, eq5, eq6),
            _ => double.NaN,
        };
        var lower4 = Lookup(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
        var lower5 = Lookup(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

        // Severity distances from the first highest-severity vector of the macro vector that is not less severe anywhere.
        int Distance(string metric, string partial)
        {
            var order = Severity[metric];
            var max = partial.Split('/').Select(p => p.Split(':')).First(p => p[0] == metric)[1];
            return Array.IndexOf(order, m(metric)) - Array.IndexOf(order, max);
        }
        (int Eq1, int Eq2, int Eq3Eq6, int Eq4)? distances = null;
        foreach (var partial in from a in Eq1Max[eq1] from b in Eq2Max[eq2] from c in Eq3Eq6Max[(eq3, eq6)] from d in Eq4Max[eq4]
                                select $"{a}/{b}/{c}/{d}")
        {
            var each = Severity.Keys.ToDictionary(metric => metric, metric => Distance(metric, partial));
            if (each.Values.Any(d => d < 0)) continue;
            distances = (each["AV"] + each["PR"] + each["UI"], each["AC"] + each["AT"],
                each["VC"] + each["VI"] + each["VA"] + each["CR"] + each["IR"] + each["AR"], each["SC"] + each["SI"] + each["SA"]);
            break;
        }
        var (d1, d2, d36, d4) = distances ?? (0, 0, 0, 0);

        var steps = new List<double>();
        void Add(double lower, double distance, double depth)
        {
            if (double.IsNaN(lower)) return;
            steps.Add((value - lower) * (distance / depth));
        }
        Add(lower1, d1, Eq1Depth[eq1]);
        Add(lower2, d2, Eq2Depth[eq2]);
        Add(lower36, d36, Eq3Eq6Depth[(eq3, eq6)]);
        Add(lower4, d4, Eq4Depth[eq4]);
        Add(lower5, 0, 1); // EQ5 has one metric: every vector of a level is its highest

        var score = value - (steps.Count == 0 ? 0 : steps.Average());
        return (decimal)Math.Round(Math.Clamp(score, 0, 10) * 10, MidpointRounding.AwayFromZero) / 10;
    }
}
