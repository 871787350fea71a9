namespace VulnPlatform.Contracts;

/// <summary>The names of the factors an <see cref="Identity.AccountSignedIn"/> lists: Identity writes them, subscribers read them.</summary>
public static class SignInFactors
{
    public const string Password = "password";
    public const string Authenticator = "totp";
    public const string RecoveryCode = "recovery-code";
}
