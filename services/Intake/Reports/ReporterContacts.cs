using VulnPlatform.ServiceDefaults.Http;
using Marten;
using System.Text;
using System.Text.Json;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports;

public sealed record ReporterContact(string? Name, string Email, string Language);

/// <summary>Seals and opens a reporter's contact details under the report's key; the seal is bound to the report.</summary>
public static class ReporterContacts
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static byte[] Seal(Guid reportId, byte[] dataKey, ReporterContact contact) =>
        DataKeys.Seal(dataKey, ReportKeys.ContactPurpose, JsonSerializer.SerializeToUtf8Bytes(contact, Json), AssociatedData(reportId));

    /// <summary>
    /// A report's contact details as an HTTP answer, for whoever may read them (Notification, staff
    /// through a reveal): 410 when erased, 404 when there are none, 503 when the key is missing.
    /// <paramref name="beforeHandingOut"/> runs only when the details are about to be given.
    /// </summary>
    public static async Task<IResult> AnswerAsync(
        IQuerySession session, ReportKeys keys, Following.ReportStatusView? view, string noContactDetail,
        Func<Task>? beforeHandingOut, CancellationToken cancellationToken)
    {
        if (view?.ErasedAt is not null) return IntakeProblems.ErasedData();
        if (view?.Contact is not { } sealedContact)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, type: ProblemTypes.NotFound, title: "No contact", detail: noContactDetail);
        }
        var key = await keys.LoadAsync(session, view.Id, cancellationToken);
        if (key.DataKey is not { } dataKey) return key.IsErased ? IntakeProblems.ErasedData() : IntakeProblems.KeyMissing();
        if (beforeHandingOut is not null) await beforeHandingOut();
        return Results.Ok(Open(view.Id, dataKey, sealedContact));
    }

    public static ReporterContact Open(Guid reportId, byte[] dataKey, byte[] sealedContact) =>
        JsonSerializer.Deserialize<ReporterContact>(
            DataKeys.Open(dataKey, ReportKeys.ContactPurpose, sealedContact, AssociatedData(reportId)), Json)!;

    private static byte[] AssociatedData(Guid reportId) => Encoding.ASCII.GetBytes($"reporter-contact:{reportId:N}");
}
