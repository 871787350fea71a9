using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.DependencyInjection;

namespace VulnPlatform.ServiceDefaults.Http;

/// <summary>
/// Pages in English and Simplified Chinese (Identity's, the web client's): texts from
/// <c>Resources/</c>, the language from the visible switch's cookie (shared by both on the one
/// origin) or else <c>Accept-Language</c>, and Chinese written as characters, not as escapes.
/// </summary>
public static class PageLocalization
{
    public static readonly CultureInfo[] Cultures = [new("en"), new("zh-CN")];

    public static IServiceCollection AddPageLocalization(this IServiceCollection services)
    {
        services.AddLocalization(options => options.ResourcesPath = "Resources");
        // HTML-significant characters are still encoded.
        services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        services.Configure<RequestLocalizationOptions>(options =>
        {
            options.SetDefaultCulture("en");
            options.SupportedCultures = Cultures;
            options.SupportedUICultures = Cultures;
            options.RequestCultureProviders = [new CookieRequestCultureProvider(), new AcceptLanguageHeaderRequestCultureProvider()];
            options.FallBackToParentUICultures = true;
        });
        return services;
    }
}
