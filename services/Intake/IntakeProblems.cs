using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake;

/// <summary>Problem types only Intake answers with (the shared ones are in <see cref="ProblemTypes"/>).</summary>
public static class IntakeProblems
{
    private const string Base = ProblemTypes.Base;

    public const string Withdrawn = Base + "withdrawn";
    public const string NotWithdrawn = Base + "not-withdrawn";
    public const string Erased = Base + "erased";
    public const string KeyUnavailable = Base + "key-unavailable";

    public static IResult ErasedData() => Results.Problem(statusCode: StatusCodes.Status410Gone, type: Erased,
        title: "Personal data erased", detail: "The reporter's personal data and attachments of this report were erased; they cannot be read.");

    public static IResult KeyMissing() => Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, type: KeyUnavailable,
        title: "Encryption key unavailable",
        detail: "The key that protects this report's personal data is not configured on this server; operators have been warned at start-up.");
}
