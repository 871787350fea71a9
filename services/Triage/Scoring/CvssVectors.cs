namespace VulnPlatform.Triage.Scoring;

/// <summary>The vector grammar both CVSS versions share: a prefix, then <c>metric:value</c> pairs, each metric once, every base metric present.</summary>
internal static class CvssVectors
{
    public static (Dictionary<string, string>? Metrics, CvssError? Error) Parse(
        string vector, string prefix, string version, IReadOnlyDictionary<string, string[]> allowed, IReadOnlyList<string> baseMetrics)
    {
        if (!vector.StartsWith(prefix, StringComparison.Ordinal)) return Fail($"A CVSS v{version} vector starts with '{prefix}'.");
        var metrics = new Dictionary<string, string>();
        foreach (var part in vector[prefix.Length..].Split('/'))
        {
            var pair = part.Split(':');
            if (pair.Length != 2 || pair[0].Length == 0 || pair[1].Length == 0) return Fail($"'{part}' is not a metric:value pair.");
            if (!allowed.TryGetValue(pair[0], out var values)) return Fail($"'{pair[0]}' is not a CVSS v{version} metric.");
            if (!values.Contains(pair[1])) return Fail($"'{pair[1]}' is not a value of {pair[0]} (one of {string.Join(", ", values)}).");
            if (!metrics.TryAdd(pair[0], pair[1])) return Fail($"{pair[0]} appears twice.");
        }
        var missing = baseMetrics.Where(m => !metrics.ContainsKey(m)).ToList();
        return missing.Count > 0
            ? Fail($"Base metric{(missing.Count > 1 ? "s" : "")} missing: {string.Join(", ", missing)}.")
            : (metrics, null);
    }

    private static (Dictionary<string, string>?, CvssError?) Fail(string reason) => (null, new CvssError(reason));
}
