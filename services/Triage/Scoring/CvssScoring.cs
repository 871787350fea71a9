using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Triage.Scoring;

/// <summary>Either CVSS version, chosen by the vector's prefix; and <c>GET /api/cvss?vector=…</c> for clients scoring as the user types.</summary>
public static class CvssScoring
{
    public const int MaxVectorLength = 400;

    public static (CvssScore? Score, CvssError? Error) Score(string vector) =>
        vector.Length > MaxVectorLength ? (null, new CvssError($"A vector has at most {MaxVectorLength} characters."))
        : vector.StartsWith(Cvss40.Prefix, StringComparison.Ordinal) ? Cvss40.Score(vector)
        : vector.StartsWith(Cvss31.Prefix, StringComparison.Ordinal) ? Cvss31.Score(vector)
        : (null, new CvssError($"A vector starts with '{Cvss31.Prefix}' or '{Cvss40.Prefix}'."));

    public static void MapCvss(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/cvss", (string? vector) =>
            {
                if (string.IsNullOrEmpty(vector))
                {
                    return Results.Problem(statusCode: 400, type: ProblemTypes.Validation, title: "No vector", detail: "Give the vector as ?vector=CVSS:4.0/…");
                }
                var (score, error) = Score(vector);
                return score is not null
                    ? Results.Ok(score)
                    : Results.Problem(statusCode: 400, type: ProblemTypes.Validation, title: "Invalid CVSS vector", detail: error!.Reason);
            })
            .WithName("ScoreCvss").WithTags("Scoring")
            .Produces<CvssScore>().ProducesProblem(400);
}
