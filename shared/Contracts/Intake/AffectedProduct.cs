namespace VulnPlatform.Contracts.Intake;

public sealed record AffectedProduct(string Vendor, string Name, string? Version);
