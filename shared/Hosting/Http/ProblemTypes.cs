namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>Stable problem <c>type</c> URIs, so clients can tell refusals apart without parsing text.</summary>
public static class ProblemTypes
{
    /// <summary>Every problem type of the platform starts with this; services add their own below it.</summary>
    public const string Base = "https://vulnplatform.dev/problems/";

    public const string Validation = Base + "validation";
    public const string NotFound = Base + "not-found";
    public const string Conflict = Base + "conflict";
    public const string PayloadTooLarge = Base + "payload-too-large";
    public const string UnsupportedMediaType = Base + "unsupported-media-type";
    public const string MalformedRequest = Base + "malformed-request";
    public const string Unexpected = Base + "unexpected";
    public const string Unauthorized = Base + "unauthorized";
    public const string Forbidden = Base + "forbidden";
    public const string IntegrityFailure = Base + "integrity-failure";
    public const string TooManyRequests = Base + "too-many-requests";
    public const string MethodNotAllowed = Base + "method-not-allowed";

    public static string? ForStatus(int? status) => status switch
    {
        400 => MalformedRequest,
        401 => Unauthorized,
        404 => NotFound,
        405 => MethodNotAllowed,
        409 or 412 => Conflict,
        413 => PayloadTooLarge,
        429 => TooManyRequests,
        415 => UnsupportedMediaType,
        >= 500 => Unexpected,
        _ => null,
    };
}
