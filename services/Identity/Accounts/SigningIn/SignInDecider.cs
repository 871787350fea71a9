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

public sealed record SignInDecision(SignInOutcome Outcome, IReadOnlyList<object> Events, DateTimeOffset? LockedUntil = null)
{
    /// <summary>The throttle of the attempt's (address, client network) as the attempt leaves it (sign-in steps only).</summary>
    public SignInThrottle? Throttle { get; init; }
}

/// <summary>
/// The sign-in rules, as pure functions of the account, the throttle of the (address, client network)
/// the attempt comes from, and what was verified (hashing and TOTP arithmetic happen outside):
/// <list type="bullet">
/// <item>5 failures in a row (password or code) from one network pause sign-ins to that address from that
/// network for 1 minute, each later pause doubling the wait up to an hour; while paused even the right
/// password or code is refused there. Other networks are not affected: nobody can lock the holder out.</item>
/// <item>An address without an account is answered exactly the same way, pauses included.</item>
/// <item>The ceiling: once an account has <see cref="SlowAfter"/> failures in a row from anywhere, every
/// network is paused after a single failure — guessing slows to one try per network and pause, while the
/// holder, signing in right, still gets in.</item>
/// <item>A success resets its network's count and the account's; the holder is e-mailed when a pause
/// begins, at most once per <see cref="NoticeEvery"/>.</item>
/// </list>
/// </summary>
public static class SignInDecider
{
    public const int FailuresBeforeLockout = 5;
    public const int SlowAfter = 20;
    public static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongestLockout = TimeSpan.FromHours(1);
    public static readonly TimeSpan NoticeEvery = TimeSpan.FromHours(1);

    /// <summary>The first step; <paramref name="account"/> is null when no account has the address given.</summary>
    public static SignInDecision Password(Account? account, SignInThrottle throttle, bool passwordMatches, DateTimeOffset now)
    {
        if (Paused(account, throttle, now) is { } paused) return paused;
        if (account is null) return Failure(null, throttle, SignInFailures.Password, now);
        if (Blocked(account, now) is not null) return AsUnknown(account, throttle, now);
        if (!passwordMatches) return Failure(account, throttle, SignInFailures.Password, now);
        if (account.HasTwoFactor) return new SignInDecision(SignInOutcome.SecondFactorNeeded, []) { Throttle = throttle };
        if (account.MustUseTwoFactor) return new SignInDecision(SignInOutcome.EnrolmentNeeded, []) { Throttle = throttle };
        return Success(account, throttle, [SignInFactors.Password], null, null, now);
    }

    /// <summary>The second step: <paramref name="totpStep"/> is the step the code matched, if any.</summary>
    public static SignInDecision SecondFactor(Account account, SignInThrottle throttle, long? totpStep, string? recoveryCodeHash, DateTimeOffset now)
    {
        if (Paused(account, throttle, now) is { } paused) return paused;
        if (Blocked(account, now) is not null) return AsUnknown(account, throttle, now);
        if (totpStep is { } step && step > account.LastTotpStep)
            return Success(account, throttle, [SignInFactors.Password, SignInFactors.Authenticator], step, null, now);
        if (recoveryCodeHash is not null && account.RecoveryCodeHashes.Contains(recoveryCodeHash))
            return Success(account, throttle, [SignInFactors.Password, SignInFactors.RecoveryCode], null, recoveryCodeHash, now);
        // A code already accepted once (replayed) counts as a failure like any wrong code.
        return Failure(account, throttle, SignInFailures.Code, now);
    }

    /// <summary>
    /// A sensitive change confirmed with a current code by someone signed in (turning 2FA off, new recovery
    /// codes): a wrong code counts like a failed sign-in and 5 in a row lock the account itself (a session
    /// is needed to try, so nobody else can cause it); a locked or disabled account may not change.
    /// </summary>
    public static IReadOnlyList<object> ConfirmedByCode(Account account, long? freshStep, DateTimeOffset now, Func<long, object> change) =>
        Confirmed(account, freshStep is not null, now, () => change(freshStep!.Value)).Events;

    /// <summary>A change by someone signed in, confirmed with their password or a code (<see cref="ConfirmedByCode"/>): the change, or a failure counted on the account.</summary>
    public static SignInDecision Confirmed(Account account, bool confirmed, DateTimeOffset now, Func<object> change, string failure = SignInFailures.Code)
    {
        if (Blocked(account, now) is { } blocked) return blocked;
        return confirmed ? new SignInDecision(SignInOutcome.SignedIn, [change()]) : AccountFailure(account, failure, now);
    }

    public static TimeSpan LockoutFor(int lockoutsBefore) =>
        TimeSpan.FromTicks(Math.Min(LongestLockout.Ticks, FirstLockout.Ticks * (1L << Math.Min(lockoutsBefore, 20))));

    private static SignInDecision? Paused(Account? account, SignInThrottle throttle, DateTimeOffset now) =>
        throttle.IsPausedAt(now)
            ? new SignInDecision(SignInOutcome.Locked, account is null ? [] : [new SignInFailed(account.Id, SignInFailures.Locked, now)], throttle.PausedUntil)
            {
                Throttle = throttle,
            }
            : null;

    /// <summary>
    /// A disabled account, or one locked by its holder's wrong codes: answered exactly as an address without an
    /// account (counted, paused alike; never signed in), so that the pages tell nobody which accounts are disabled
    /// or locked. The attempt is recorded on the account.
    /// </summary>
    private static SignInDecision AsUnknown(Account account, SignInThrottle throttle, DateTimeOffset now) =>
        Failure(null, throttle, SignInFailures.Locked, now) with { Events = [new SignInFailed(account.Id, SignInFailures.Locked, now)] };

    private static SignInDecision? Blocked(Account account, DateTimeOffset now)
    {
        if (account.Disabled) return new SignInDecision(SignInOutcome.Refused, [new SignInFailed(account.Id, SignInFailures.Locked, now)]);
        return account.IsLockedAt(now)
            ? new SignInDecision(SignInOutcome.Locked, [new SignInFailed(account.Id, SignInFailures.Locked, now)], account.LockedUntil)
            : null;
    }

    private static SignInDecision Failure(Account? account, SignInThrottle throttle, string reason, DateTimeOffset now)
    {
        var failed = throttle.FailedInARow + 1;
        var limit = account is { FailedInARow: >= SlowAfter } ? 1 : FailuresBeforeLockout;
        var events = new List<object>();
        if (account is not null) events.Add(new SignInFailed(account.Id, reason, now));
        var counted = Copy(throttle, failed, throttle.PausesInARow, throttle.PausedUntil, now);
        if (failed < limit) return new SignInDecision(SignInOutcome.Refused, events) { Throttle = counted };

        var until = now + LockoutFor(throttle.PausesInARow);
        if (account is not null)
        {
            var notify = account.LastPauseNoticeAt is not { } last || now - last >= NoticeEvery;
            events.Add(new SignInsPaused(account.Id, throttle.Network, failed, until, notify, now));
        }
        return new SignInDecision(SignInOutcome.Locked, events, until) { Throttle = Copy(throttle, failed, throttle.PausesInARow + 1, until, now) };
    }

    private static SignInDecision AccountFailure(Account account, string reason, DateTimeOffset now)
    {
        var failed = account.FailedInARow + 1;
        if (failed < FailuresBeforeLockout)
            return new SignInDecision(SignInOutcome.Refused, [new SignInFailed(account.Id, reason, now)]);
        var until = now + LockoutFor(account.LockoutsInARow);
        return new SignInDecision(SignInOutcome.Locked,
            [new SignInFailed(account.Id, reason, now), new LockedOut(account.Id, failed, until, now)], until);
    }

    private static SignInDecision Success(Account account, SignInThrottle throttle, IReadOnlyList<string> factors, long? step, string? recovery, DateTimeOffset now) =>
        new(SignInOutcome.SignedIn, [new SignedIn(account.Id, factors, step, recovery, now)])
        {
            Throttle = Copy(throttle, 0, 0, null, throttle.LastFailureAt),
        };

    private static SignInThrottle Copy(SignInThrottle throttle, int failed, int pauses, DateTimeOffset? until, DateTimeOffset lastFailure) => new()
    {
        Id = throttle.Id, EmailHash = throttle.EmailHash, Network = throttle.Network,
        FailedInARow = failed, PausesInARow = pauses, PausedUntil = until, LastFailureAt = lastFailure,
    };
}

/// <summary>Changing a password needs the current one; a wrong one counts like a failed sign-in.</summary>
public static class PasswordChangeDecider
{
    public static SignInDecision Decide(Account account, bool currentMatches, string newHash, DateTimeOffset now) =>
        SignInDecider.Confirmed(account, currentMatches, now, () => new PasswordSet(account.Id, newHash, PasswordReasons.Changed, now), SignInFailures.Password);
}
