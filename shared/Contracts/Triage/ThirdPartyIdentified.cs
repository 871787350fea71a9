namespace VulnPlatform.Contracts.Triage;

/// <summary>The vulnerability is in a third party's product: vendor coordination begins (the reporter's identity is not part of it).</summary>
public sealed record ThirdPartyIdentified(
    Guid CaseId, Guid ReportId, string Vendor, string Product, Actor IdentifiedBy, DateTimeOffset IdentifiedAt, string? TrackingNumber = null);
