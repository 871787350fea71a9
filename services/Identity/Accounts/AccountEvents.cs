using VulnPlatform.Contracts;
using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Identity.Accounts;

// An account's stream, in the past tense. Contract types (VulnPlatform.Contracts.Identity) have other names.

public sealed record AccountOpened(
    Guid AccountId, string Email, IReadOnlyList<string> Roles, Guid? VendorOrganisationId, Actor OpenedBy, DateTimeOffset At);

/// <summary>A confirmation link was issued (its token is sealed by data protection and names this request; nothing secret is stored).</summary>
public sealed record EmailConfirmationIssued(Guid AccountId, Guid RequestId, DateTimeOffset ExpiresAt, DateTimeOffset At);

public sealed record EmailAddressConfirmed(Guid AccountId, Guid RequestId, DateTimeOffset At);

/// <summary>A password hash (PasswordHasher, PBKDF2); never the password. <see cref="Reason"/>: <see cref="PasswordReasons"/>.</summary>
public sealed record PasswordSet(Guid AccountId, string Hash, string Reason, DateTimeOffset At);

public static class PasswordReasons
{
    public const string Initial = "initial";
    public const string Changed = "changed";
    /// <summary>The same password, hashed again with the current cost at sign-in.</summary>
    public const string Rehashed = "rehashed";
}

/// <summary>An authenticator secret, sealed with the key ring, waiting for its first code.</summary>
public sealed record AuthenticatorAdded(Guid AccountId, SealedValue Secret, DateTimeOffset At);

/// <summary>The first valid code confirmed the authenticator; <see cref="Step"/> is never accepted again.</summary>
public sealed record AuthenticatorConfirmed(Guid AccountId, long Step, DateTimeOffset At);

public sealed record AuthenticatorRemoved(Guid AccountId, long? Step, Actor By, DateTimeOffset At);

/// <summary>
/// Ten single-use recovery codes, as SHA-256 hashes (they are random, 50 bits each), replacing any
/// before; <see cref="Step"/> is the time step of the code that authorised a regeneration.
/// </summary>
public sealed record RecoveryCodesIssued(Guid AccountId, IReadOnlyList<string> Hashes, DateTimeOffset At, long? Step = null);

/// <summary>
/// Both factors the account needs were verified. <see cref="TotpStep"/> is the time step of the
/// accepted code (refused from then on); <see cref="RecoveryCodeHash"/> the recovery code spent.
/// </summary>
public sealed record SignedIn(Guid AccountId, IReadOnlyList<string> Factors, long? TotpStep, string? RecoveryCodeHash, DateTimeOffset At);

/// <summary>A refused attempt: <see cref="Reason"/> is <c>password</c>, <c>code</c> or <c>locked</c>.</summary>
public sealed record SignInFailed(Guid AccountId, string Reason, DateTimeOffset At);

public sealed record LockedOut(Guid AccountId, int FailedInARow, DateTimeOffset Until, DateTimeOffset At);

/// <summary>
/// Sign-ins to the account from one client network are paused until <see cref="Until"/> after
/// <see cref="FailedInARow"/> failures from there (other networks are not); <see cref="Notify"/>: the
/// holder is told (at most once an hour).
/// </summary>
public sealed record SignInsPaused(Guid AccountId, string Network, int FailedInARow, DateTimeOffset Until, bool Notify, DateTimeOffset At);

public sealed record LockoutLifted(Guid AccountId, Actor By, DateTimeOffset At);

public sealed record RoleAdded(Guid AccountId, string Role, Guid? VendorOrganisationId, Actor By, DateTimeOffset At);

public sealed record RoleRemoved(Guid AccountId, string Role, Actor By, DateTimeOffset At);

public sealed record AccountDeactivated(Guid AccountId, Actor By, DateTimeOffset At);

public static class AccountEventTypes
{
    public static readonly Type[] All =
    [
        typeof(AccountOpened), typeof(EmailConfirmationIssued), typeof(EmailAddressConfirmed), typeof(PasswordSet),
        typeof(AuthenticatorAdded), typeof(AuthenticatorConfirmed), typeof(AuthenticatorRemoved), typeof(RecoveryCodesIssued),
        typeof(SignedIn), typeof(SignInFailed), typeof(LockedOut), typeof(SignInsPaused), typeof(LockoutLifted), typeof(RoleAdded), typeof(RoleRemoved),
        typeof(AccountDeactivated),
    ];
}
