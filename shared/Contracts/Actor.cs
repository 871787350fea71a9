namespace VulnPlatform.Contracts;

/// <summary>
/// Who did something, as an opaque reference: a kind (<see cref="ActorKinds"/>) and an account id.
/// Never a name or an e-mail address; anonymous reporters have no id.
/// </summary>
public sealed record Actor(string Kind, string? Id)
{
    public static Actor AnonymousReporter { get; } = new(ActorKinds.Reporter, null);
    public static Actor System { get; } = new(ActorKinds.System, null);
}

public static class ActorKinds
{
    public const string Reporter = "reporter";
    public const string Staff = "staff";
    public const string Vendor = "vendor";
    public const string System = "system";
}
