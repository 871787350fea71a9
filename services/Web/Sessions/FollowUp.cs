using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace VulnPlatform.Web.Sessions;

/// <summary>
/// An anonymous reporter's way back to their reports: the tracking numbers and follow-up tokens
/// they entered (or just received), kept in a server-side session — the browser holds only the
/// session's id, so a token never sits in the browser after it was shown once.
/// </summary>
public static class FollowUp
{
    private const string ReportClaim = "vp-report";

    public static async Task RememberAsync(HttpContext context, string trackingNumber, string token)
    {
        var existing = await context.AuthenticateAsync(WebAuthentication.FollowUpScheme);
        var identity = new ClaimsIdentity(WebAuthentication.FollowUpScheme);
        foreach (var claim in existing.Principal?.FindAll(ReportClaim) ?? [])
        {
            if (!claim.Value.StartsWith(trackingNumber + " ", StringComparison.Ordinal)) identity.AddClaim(new Claim(ReportClaim, claim.Value));
        }
        identity.AddClaim(new Claim(ReportClaim, $"{trackingNumber} {token}"));
        await context.SignInAsync(WebAuthentication.FollowUpScheme, new ClaimsPrincipal(identity));
    }

    public static async Task<string?> TokenForAsync(HttpContext context, string trackingNumber)
    {
        var result = await context.AuthenticateAsync(WebAuthentication.FollowUpScheme);
        return result.Principal?.FindAll(ReportClaim).Select(c => c.Value.Split(' ', 2))
            .FirstOrDefault(parts => parts.Length == 2 && parts[0] == trackingNumber)?[1];
    }

    public static async Task<IReadOnlyList<string>> TrackingNumbersAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(WebAuthentication.FollowUpScheme);
        return result.Principal?.FindAll(ReportClaim).Select(c => c.Value.Split(' ', 2)[0]).ToList() ?? [];
    }

    public static Task ForgetAllAsync(HttpContext context) => context.SignOutAsync(WebAuthentication.FollowUpScheme);
}
