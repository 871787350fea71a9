using VulnPlatform.ServiceDefaults.Security;

namespace VulnPlatform.Identity.Accounts;

/// <summary>
/// An account as its events leave it (Marten keeps it inline as a document, so it can be found by
/// e-mail address and listed). Deciders read it; only events change it.
/// </summary>
public sealed record Account(
    Guid Id,
    string Email,
    bool EmailConfirmed,
    string? PasswordHash,
    IReadOnlyList<string> Roles,
    Guid? VendorOrganisationId,
    bool Disabled,
    SealedValue? PendingAuthenticator,
    SealedValue? Authenticator,
    long LastTotpStep,
    IReadOnlyList<string> RecoveryCodeHashes,
    int FailedInARow,
    int LockoutsInARow,
    DateTimeOffset? LockedUntil,
    Guid? OpenConfirmationRequest,
    DateTimeOffset? OpenConfirmationExpiresAt,
    DateTimeOffset OpenedAt,
    DateTimeOffset? LastSignedInAt)
{
    /// <summary>
    /// The security stamp: it moves on when a password is changed, the second factor turned off, recovery
    /// codes regenerated, a role removed or the account disabled. Every session cookie and token carries the
    /// generation it was issued under; one from an earlier generation is refused at every authorize, refresh,
    /// userinfo and Identity page — sessions and tokens taken before the change are worth nothing after it.
    /// </summary>
    public int SessionGeneration { get; init; }

    /// <summary>When the holder was last told that sign-ins from a network were paused.</summary>
    public DateTimeOffset? LastPauseNoticeAt { get; init; }

    public bool HasTwoFactor => Authenticator is not null;

    public bool MustUseTwoFactor => Roles.Any(Accounts.Roles.RequiringTwoFactor.Contains);

    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;

    public static Account Create(AccountOpened opened) => new(
        opened.AccountId, opened.Email, false, null, opened.Roles, opened.VendorOrganisationId, false, null, null, 0, [],
        0, 0, null, null, null, opened.At, null);

    public Account Apply(EmailConfirmationIssued issued) => this with
    {
        OpenConfirmationRequest = issued.RequestId, OpenConfirmationExpiresAt = issued.ExpiresAt,
    };

    public Account Apply(EmailAddressConfirmed confirmed) => this with
    {
        EmailConfirmed = true, OpenConfirmationRequest = null, OpenConfirmationExpiresAt = null,
    };

    public Account Apply(PasswordSet set) => this with
    {
        PasswordHash = set.Hash, SessionGeneration = set.Reason == PasswordReasons.Changed ? SessionGeneration + 1 : SessionGeneration,
    };

    public Account Apply(AuthenticatorAdded added) => this with { PendingAuthenticator = added.Secret };

    public Account Apply(AuthenticatorConfirmed confirmed) => this with
    {
        Authenticator = PendingAuthenticator, PendingAuthenticator = null, LastTotpStep = Math.Max(LastTotpStep, confirmed.Step),
    };

    public Account Apply(AuthenticatorRemoved removed) => this with
    {
        Authenticator = null, PendingAuthenticator = null, RecoveryCodeHashes = [], SessionGeneration = SessionGeneration + 1,
        LastTotpStep = Math.Max(LastTotpStep, removed.Step ?? 0),
    };

    /// <summary>Codes issued at enrolment leave sessions alone; regenerated ones (confirmed with a code: <see cref="RecoveryCodesIssued.Step"/>) end every other session.</summary>
    public Account Apply(RecoveryCodesIssued issued) => this with
    {
        RecoveryCodeHashes = issued.Hashes, LastTotpStep = Math.Max(LastTotpStep, issued.Step ?? 0),
        SessionGeneration = issued.Step is null ? SessionGeneration : SessionGeneration + 1,
    };

    public Account Apply(SignedIn signedIn) => this with
    {
        FailedInARow = 0,
        LockoutsInARow = 0,
        LockedUntil = null,
        LastTotpStep = Math.Max(LastTotpStep, signedIn.TotpStep ?? 0),
        RecoveryCodeHashes = signedIn.RecoveryCodeHash is null ? RecoveryCodeHashes : [.. RecoveryCodeHashes.Where(h => h != signedIn.RecoveryCodeHash)],
        LastSignedInAt = signedIn.At,
    };

    public Account Apply(SignInFailed failed) =>
        failed.Reason == SignInFailures.Locked ? this : this with { FailedInARow = FailedInARow + 1 };

    public Account Apply(LockedOut locked) => this with { LockedUntil = locked.Until, LockoutsInARow = LockoutsInARow + 1 };

    public Account Apply(SignInsPaused paused) => paused.Notify ? this with { LastPauseNoticeAt = paused.At } : this;

    public Account Apply(LockoutLifted lifted) => this with { LockedUntil = null, FailedInARow = 0, LockoutsInARow = 0 };

    public Account Apply(RoleAdded added) => this with
    {
        Roles = [.. Roles.Where(r => r != added.Role), added.Role],
        VendorOrganisationId = added.Role == Accounts.Roles.Vendor ? added.VendorOrganisationId : VendorOrganisationId,
    };

    public Account Apply(RoleRemoved removed) => this with
    {
        Roles = [.. Roles.Where(r => r != removed.Role)], SessionGeneration = SessionGeneration + 1,
        VendorOrganisationId = removed.Role == Accounts.Roles.Vendor ? null : VendorOrganisationId,
    };

    public Account Apply(AccountDeactivated deactivated) => this with { Disabled = true, SessionGeneration = SessionGeneration + 1 };
}

public static class SignInFailures
{
    public const string Password = "password";
    public const string Code = "code";
    public const string Locked = "locked";
}
