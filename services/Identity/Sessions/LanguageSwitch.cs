using Microsoft.AspNetCore.Localization;

namespace VulnPlatform.Identity.Sessions;

/// <summary>The visible language switch: remembered in a cookie for a year, then back to the page.</summary>
public static class LanguageSwitch
{
    public static void MapLanguageSwitch(this IEndpointRouteBuilder app) =>
        app.MapGet("/account/language", (string? culture, string? returnUrl, HttpContext context) =>
        {
            var chosen = IdentityModule.Cultures.FirstOrDefault(c => c.Name == culture)?.Name ?? "en";
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            return Results.Redirect(SignInSessions.SafeReturn(returnUrl));
        }).ExcludeFromDescription();
}
