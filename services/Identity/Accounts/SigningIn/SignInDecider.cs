using VulnPlatform.Contracts;

namespace VulnPlatform.Identity.Accounts.SigningIn;

/// <summary>Where a sign-in attempt leaves the person: the page they see next.</summary>
public enum SignInOutcome
{
    /// <summary>Wrong password or code, or an unknown account: one answer for all.</summary>
    Refused,
    /// <summary>Locked out, or disabled: no attempt is looked at until the wait ends.</summary>
    Locked,
    /// <summary>The password was right; the authenticator code is next.</summary>
    SecondFactorNeeded,
    /// <summary>The password was right; the role needs an authenticator and none is enrolled yet.</summary>
    EnrolmentNeeded,
    SignedIn,
}

public sealed record SignInDecision(SignInOutcome Outcome, IReadOnlyList<object> Events, DateTimeOffset? LockedUntil = null);

/// <summary>
/// The sign-in rules, as pure functions of the account and what was verified (hashing and TOTP
/// arithmetic happen outside): 5 failures in a row (password or code) lock the account for 1 minute,
/// each later lockout doubling the wait up to an hour; while locked even the right password or code is
/// refused; a success resets the count.
/// </summary>
public static class SignInDecider
{
    public const int FailuresBeforeLockout = 5;
    public static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestLockout = TimeSpan.FromHours(1);

    public static SignInDecision Password(Account account, bool passwordMatches, DateTimeOffset now)
    {
        if (Blocked(account, now) is { } blocked) return blocked;
        if (!passwordMatches) return Failure(account, SignInFailures.Password, now);
        if (account.HasTwoFactor) return new SignInDecision(SignInOutcome.SecondFactorNeeded, []);
        if (account.MustUseTwoFactor) return new SignInDecision(SignInOutcome.EnrolmentNeeded, []);
        return Success(account, [SignInFactors.Password], null, null, now);
    }

    /// <summary>The second step: <paramref name="totpStep"/> is the step the code matched, if any.</summary>
    public static SignInDecision SecondFactor(Account account, long? totpStep, string? recoveryCodeHash, DateTimeOffset now)
    {
        if (Blocked(account, now) is { } blocked) return blocked;
        if (totpStep is { } step && step > account.LastTotpStep)
            return Success(account, [SignInFactors.Password, SignInFactors.Authenticator], step, null, now);
        if (recoveryCodeHash is not null && account.RecoveryCodeHashes.Contains(recoveryCodeHash))
            return Success(account, [SignInFactors.Password, SignInFactors.RecoveryCode], null, recoveryCodeHash, now);
        // A code already accepted once (replayed) counts as a failure like any wrong code.
        return Failure(account, SignInFailures.Code, now);
    }

    /// <summary>
    /// A sensitive change confirmed with a current code (turning 2FA off, new recovery codes): a wrong code
    /// counts like a failed sign-in (and locks out the same way); a locked or disabled account may not change.
    /// </summary>
    public static IReadOnlyList<object> ConfirmedByCode(Account account, long? freshStep, DateTimeOffset now, Func<long, object> change)
    {
        if (Blocked(account, now) is { } blocked) return blocked.Events;
        return freshStep is { } step ? [change(step)] : Failure(account, SignInFailures.Code, now).Events;
    }

    public static TimeSpan LockoutFor(int lockoutsBefore) =>
        TimeSpan.FromTicks(Math.Min(LongestLockout.Ticks, FirstLockout.Ticks * (1L << Math.Min(lockoutsBefore, 20))));

    private static SignInDecision? Blocked(Account account, DateTimeOffset now)
    {
        if (account.Disabled) return new SignInDecision(SignInOutcome.Refused, [new SignInFailed(account.Id, SignInFailures.Locked, now)]);
        return account.IsLockedAt(now)
            ? new SignInDecision(SignInOutcome.Locked, [new SignInFailed(account.Id, SignInFailures.Locked, now)], account.LockedUntil)
            : null;
    }

    private static SignInDecision Failure(Account account, string reason, DateTimeOffset now)
    {
        var failed = account.FailedInARow + 1;
        if (failed < FailuresBeforeLockout)
            return new SignInDecision(SignInOutcome.Refused, [new SignInFailed(account.Id, reason, now)]);
        var until = now + LockoutFor(account.LockoutsInARow);
        return new SignInDecision(SignInOutcome.Locked,
            [new SignInFailed(account.Id, reason, now), new LockedOut(account.Id, failed, until, now)], until);
    }

    private static SignInDecision Success(Account account, IReadOnlyList<string> factors, long? step, string? recovery, DateTimeOffset now) =>
        new(SignInOutcome.SignedIn, [new SignedIn(account.Id, factors, step, recovery, now)]);
}

/// <summary>Changing a password needs the current one; a wrong one counts like a failed sign-in.</summary>
public static class PasswordChangeDecider
{
    public static SignInDecision Decide(Account account, bool currentMatches, string newHash, DateTimeOffset now)
    {
        var check = SignInDecider.Password(account with { Authenticator = null, Roles = [] }, currentMatches, now);
        return check.Outcome == SignInOutcome.SignedIn
            ? new SignInDecision(SignInOutcome.SignedIn, [new PasswordSet(account.Id, newHash, PasswordReasons.Changed, now)])
            : check;
    }
}
