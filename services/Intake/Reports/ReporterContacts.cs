using System.Text;
using System.Text.Json;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Intake.Reports;

public sealed record ReporterContact(string? Name, string Email, string Language);

/// <summary>Seals and opens a reporter's contact details; the seal is bound to the report it belongs to.</summary>
public sealed class ReporterContacts(SealedBox box)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public SealedValue Seal(Guid reportId, ReporterContact contact) =>
        box.Seal(JsonSerializer.SerializeToUtf8Bytes(contact, Json), AssociatedData(reportId));

    public ReporterContact Open(Guid reportId, SealedValue sealedContact) =>
        JsonSerializer.Deserialize<ReporterContact>(box.Open(sealedContact, AssociatedData(reportId)), Json)!;

    private static byte[] AssociatedData(Guid reportId) => Encoding.ASCII.GetBytes($"reporter-contact:{reportId:N}");
}
