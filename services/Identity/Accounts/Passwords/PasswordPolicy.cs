using System.Reflection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace VulnPlatform.Identity.Accounts.Passwords;

public sealed class PasswordOptions
{
    public const string Section = "Identity:Passwords";

    /// <summary>
    /// PBKDF2-HMAC-SHA512 iterations (ASP.NET Core's PasswordHasher, format v3). OWASP's 2023 advice
    /// for this hash is 210,000; the sign-in latency it costs is printed by the Identity benchmark.
    /// </summary>
    public int Iterations { get; set; } = 210_000;
}

/// <summary>
/// What makes a password acceptable (12 to 128 characters, not one of 49,233 common passwords) and
/// how it is stored (a kept hasher; a hash made with fewer iterations is upgraded at the next sign-in).
/// </summary>
public sealed class PasswordPolicy
{
    public const int MinimumLength = 12;
    public const int MaximumLength = 128;

    private static readonly Lazy<HashSet<string>> Common = new(LoadCommon);
    private readonly PasswordHasher<Account> _hasher;
    private readonly Lazy<string> _dummyHash;

    public PasswordPolicy(IOptions<PasswordOptions> options)
    {
        _hasher = new PasswordHasher<Account>(Options.Create(new PasswordHasherOptions
        {
            CompatibilityMode = PasswordHasherCompatibilityMode.IdentityV3,
            IterationCount = options.Value.Iterations,
        }));
        _dummyHash = new Lazy<string>(() => _hasher.HashPassword(null!, Guid.NewGuid().ToString()));
    }

    /// <summary>The problem with <paramref name="password"/>, as a resource key of the pages' texts; null when acceptable.</summary>
    public static string? Problem(string? password, string? email)
    {
        if (string.IsNullOrEmpty(password) || password.Length < MinimumLength) return "PasswordTooShort";
        if (password.Length > MaximumLength) return "PasswordTooLong";
        if (Common.Value.Contains(password)) return "PasswordTooCommon";
        if (email is not null && password.Contains(email.Split('@')[0], StringComparison.OrdinalIgnoreCase) && email.Split('@')[0].Length >= 4)
            return "PasswordContainsEmail";
        return null;
    }

    public string Hash(string password) => _hasher.HashPassword(null!, password);

    public PasswordVerificationResult Verify(string? hash, string password) =>
        hash is null ? PasswordVerificationResult.Failed : _hasher.VerifyHashedPassword(null!, hash, password);

    /// <summary>Spends the same time as a real verification, so an unknown e-mail address is not told apart by timing.</summary>
    public void VerifyNothing(string password) => _hasher.VerifyHashedPassword(null!, _dummyHash.Value, password);

    private static HashSet<string> LoadCommon()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("common-passwords.txt")
            ?? throw new InvalidOperationException("The common-password list is missing from the assembly.");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0) set.Add(line);
        }
        return set;
    }
}
