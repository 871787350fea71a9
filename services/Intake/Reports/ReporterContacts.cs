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

    public static ReporterContact Open(Guid reportId, byte[] dataKey, byte[] sealedContact) =>
        JsonSerializer.Deserialize<ReporterContact>(
            DataKeys.Open(dataKey, ReportKeys.ContactPurpose, sealedContact, AssociatedData(reportId)), Json)!;

    private static byte[] AssociatedData(Guid reportId) => Encoding.ASCII.GetBytes($"reporter-contact:{reportId:N}");
}
