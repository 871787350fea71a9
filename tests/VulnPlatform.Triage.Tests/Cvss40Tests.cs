using System.Globalization;
using VulnPlatform.Triage.Scoring;

namespace VulnPlatform.Triage.Tests;

/// <summary>
/// CVSS v4.0 against vectors with known scores, and both versions against a broad table of random
/// vectors scored by an independent implementation (ae-cvss-calculator, via npm).
/// </summary>
[Trait("Servers", "none")]
public sealed class Cvss40Tests
{
    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3, "Critical")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H", 10.0, "Critical")]
    [InlineData("CVSS:4.0/AV:L/AC:L/AT:N/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 8.5, "High")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0.0, "None")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/S:P/AU:Y/R:A/V:C/RE:H/U:Red", 9.3, "Critical")] // supplemental: no effect
    public void Known_vectors_score_as_published(string vector, double score, string severity)
    {
        var (result, error) = Cvss40.Score(vector);
        Assert.Null(error);
        Assert.Equal(new CvssScore("4.0", (decimal)score, severity), result);
    }

    [Theory]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "missing: SA")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N", "'S' is not a value of SI")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:X/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "'X' is not a value of AT")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/E:A/E:P", "E appears twice")]
    [InlineData("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", "'R' is not a value of UI")]
    [InlineData("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "starts with 'CVSS:4.0/'")]
    public void Invalid_vectors_are_refused_with_the_precise_reason(string vector, string reason)
    {
        var (result, error) = Cvss40.Score(vector);
        Assert.Null(result);
        Assert.Contains(reason, error!.Reason);
    }

    [Fact]
    public void Four_hundred_random_v4_vectors_score_as_an_independent_implementation_scores_them() =>
        AssertAgreement("cvss40-independent.csv", Cvss40.Score);

    [Fact]
    public void Four_hundred_random_v3_1_vectors_score_as_an_independent_implementation_scores_them() =>
        AssertAgreement("cvss31-independent.csv", Cvss31.Score);

    private static void AssertAgreement(string file, Func<string, (CvssScore?, CvssError?)> score)
    {
        var rows = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Data", file)).Where(l => !l.StartsWith('#')).ToList();
        Assert.Equal(400, rows.Count);
        var disagreements = rows
            .Select(row => (Vector: row[..row.LastIndexOf(',')], Expected: decimal.Parse(row[(row.LastIndexOf(',') + 1)..], CultureInfo.InvariantCulture)))
            .Select(r => (r.Vector, r.Expected, Actual: score(r.Vector).Item1?.BaseScore))
            .Where(r => r.Actual != r.Expected)
            .Select(r => $"{r.Vector}: expected {r.Expected}, got {r.Actual}")
            .ToList();
        Assert.True(disagreements.Count == 0, $"{disagreements.Count} of {rows.Count} differ:\n" + string.Join('\n', disagreements.Take(20)));
    }
}
