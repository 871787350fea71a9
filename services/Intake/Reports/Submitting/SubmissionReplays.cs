using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Marten;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports.Submitting;

/// <summary>
/// What a submission with an <c>Idempotency-Key</c> left behind, so that the same submission sent
/// again (the client lost the answer: a dropped connection, a timeout, an instance killed after
/// committing) gets the same receipt instead of filing a second report. Keyed by the key's hash;
/// the follow-up token is kept sealed under the report's data key (so erasing the report erases it).
/// </summary>
public sealed class SubmissionReplay
{
    public string Id { get; set; } = "";
    public Guid ReportId { get; set; }
    public string TrackingNumber { get; set; } = "";
    public string RequestHash { get; set; } = "";
    public byte[] SealedFollowUpToken { get; set; } = [];
    public string Status { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Language { get; set; } = "";
    public DateTimeOffset ReceivedAt { get; set; }
}

public static partial class SubmissionReplays
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotent-Replayed";
    public const string KeyReused = ProblemTypes.Base + "idempotency-key-reused";

    /// <summary>How long a submission can be repeated with its key.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    private const string TokenPurpose = "intake/submission-replay";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Random enough to be unguessable (it stands for the receipt for a day), short enough to log nothing big.</summary>
    [GeneratedRegex("^[A-Za-z0-9_-]{16,128}$")]
    private static partial Regex KeyShape();

    public static bool IsValidKey(string key) => KeyShape().IsMatch(key);

    public static IResult InvalidKey() => Results.Problem(statusCode: StatusCodes.Status400BadRequest, type: ProblemTypes.Validation,
        title: "Invalid Idempotency-Key",
        detail: "Idempotency-Key must be 16 to 128 letters, digits, '-' or '_' (a random value, e.g. a UUID, new for each report).");

    public static string IdOf(string key) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    public static string HashOf(SubmitReportRequest request) =>
        Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Json)));

    public static SubmissionReplay Record(string key, SubmitReportRequest request, SubmitReportResponse response, string kind, string language, byte[] dataKey) => new()
    {
        Id = IdOf(key),
        ReportId = response.ReportId,
        TrackingNumber = response.TrackingNumber,
        RequestHash = HashOf(request),
        SealedFollowUpToken = DataKeys.Seal(dataKey, TokenPurpose, Encoding.UTF8.GetBytes(response.FollowUpToken), AssociatedData(response.ReportId)),
        Status = response.Status,
        Kind = kind,
        Language = language,
        ReceivedAt = response.ReceivedAt,
    };

    /// <summary>
    /// The answer to a repeated submission, or null when the key is new: the first receipt again
    /// (201, marked replayed); 409 when the key came with another report or is past its window; 410
    /// when the report was erased meanwhile.
    /// </summary>
    public static async Task<IResult?> AnswerAsync(
        IQuerySession session, ReportKeys keys, string key, SubmitReportRequest request, DateTimeOffset now, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await session.LoadAsync<SubmissionReplay>(IdOf(key), cancellationToken) is not { } replay) return null;
        if (replay.RequestHash != HashOf(request) || now - replay.ReceivedAt > Window)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, type: KeyReused, title: "Idempotency-Key already used",
                detail: "This Idempotency-Key belongs to another submission (or one older than a day). Send a new report with a new key.");
        }
        var reportKey = await keys.LoadAsync(session, replay.ReportId, cancellationToken);
        if (reportKey.DataKey is not { } dataKey) return reportKey.IsErased ? IntakeProblems.ErasedData() : IntakeProblems.KeyMissing();
        var token = Encoding.UTF8.GetString(DataKeys.Open(dataKey, TokenPurpose, replay.SealedFollowUpToken, AssociatedData(replay.ReportId)));
        response.Headers[ReplayedHeader] = "true";
        return Results.Created($"/api/reports/{replay.TrackingNumber}", new SubmitReportResponse(
            replay.ReportId, replay.TrackingNumber, token, replay.Status, replay.ReceivedAt, NextSteps.For(replay.Kind, replay.Language)));
    }

    private static byte[] AssociatedData(Guid reportId) => Encoding.ASCII.GetBytes($"submission-replay:{reportId:N}");
}
