namespace VulnPlatform.Contracts;

/// <summary>Where submissions that are not vulnerability reports go.</summary>
public static class Desks
{
    /// <summary>Suspected fraud: purchases, orders, card transactions, password or account changes.</summary>
    public const string Sales = "sales";

    /// <summary>Every other question.</summary>
    public const string Support = "support";
}
