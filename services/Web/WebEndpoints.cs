using System.Net.Http.Headers;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using VulnPlatform.ServiceDefaults.Http;
using VulnPlatform.Web.Gateway;
using VulnPlatform.Web.Sessions;

namespace VulnPlatform.Web;

/// <summary>What the pages need besides pages: signing in and out, the language switch, and the reporter's files passed through.</summary>
public static class WebEndpoints
{
    public static void MapWebEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/signin", (string? returnUrl) =>
            Results.Challenge(new AuthenticationProperties { RedirectUri = SafeReturn(returnUrl) }, [WebAuthentication.Oidc]));

        // Sign-out is a form post (antiforgery checked): the refresh token is revoked at Identity,
        // the server-side session deleted, and Identity's own session ended.
        app.MapPost("/signout", async (HttpContext context, IAntiforgery antiforgery, IOptionsMonitor<OpenIdConnectOptions> oidcOptions) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
            var oidc = oidcOptions.Get(WebAuthentication.Oidc);
            if (await context.GetTokenAsync(WebAuthentication.Session, "refresh_token") is { } refreshToken && oidc.ConfigurationManager is not null)
            {
                try
                {
                    var configuration = await oidc.ConfigurationManager.GetConfigurationAsync(context.RequestAborted);
                    var revocation = configuration.AdditionalData.TryGetValue("revocation_endpoint", out var value) ? value?.ToString() : null;
                    if (revocation is not null)
                    {
                        using var _ = await oidc.Backchannel.PostAsync(revocation, new FormUrlEncodedContent(new Dictionary<string, string>
                        {
                            ["token"] = refreshToken, ["token_type_hint"] = "refresh_token", ["client_id"] = oidc.ClientId!, ["client_secret"] = oidc.ClientSecret!,
                        }), context.RequestAborted);
                    }
                }
                catch (HttpRequestException)
                {
                    // The session ends here regardless; the token expires on its own.
                }
            }
            await FollowUp.ForgetAllAsync(context);
            return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [WebAuthentication.Session, WebAuthentication.Oidc]);
        });

        app.MapGet("/language", (string? culture, string? returnUrl, HttpContext context) =>
        {
            var chosen = WebModule.Cultures.FirstOrDefault(c => c.Name == culture)?.Name ?? "en";
            context.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), Secure = true, HttpOnly = true, SameSite = SameSiteMode.Lax, IsEssential = true });
            return Results.Redirect(SafeReturn(returnUrl));
        });

        // A report's file, for its reporter: fetched with their follow-up token or account, never cached.
        app.MapGet("/reports/{trackingNumber}/files/{attachmentId:guid}", (string trackingNumber, Guid attachmentId, GatewayClient gateway, HttpContext context) =>
            PassFileAsync(gateway, context, $"api/reports/{Uri.EscapeDataString(trackingNumber)}/attachments/{attachmentId}", trackingNumber));

        // One file of a report, uploaded by the page's script so the browser can show its progress.
        app.MapPost("/reports/{trackingNumber}/files", async (string trackingNumber, HttpContext context, IAntiforgery antiforgery, GatewayClient gateway) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            if (form.Files.Count == 0) return Results.BadRequest();
            using var content = new MultipartFormDataContent();
            foreach (var file in form.Files)
            {
                var part = new StreamContent(file.OpenReadStream());
                part.Headers.ContentType = MediaTypeHeaderValue.TryParse(file.ContentType, out var type) ? type : new MediaTypeHeaderValue("application/octet-stream");
                content.Add(part, "files", file.FileName);
            }
            using var response = await gateway.SendForReportAsync(
                new HttpRequestMessage(HttpMethod.Post, $"api/reports/{Uri.EscapeDataString(trackingNumber)}/attachments") { Content = content }, trackingNumber, context.RequestAborted);
            var body = await response.Content.ReadAsStringAsync(context.RequestAborted);
            return Results.Content(body, response.Content.Headers.ContentType?.ToString() ?? "application/json", statusCode: (int)response.StatusCode);
        }).DisableAntiforgery(); // checked above, from the form field the script sends

        // A case's file for staff: Intake records the download (who, when) before it serves a byte.
        app.MapGet("/staff/cases/{trackingNumber}/files/{attachmentId:guid}", (string trackingNumber, Guid attachmentId, GatewayClient gateway, HttpContext context) =>
            PassFileAsync(gateway, context, $"api/staff/reports/{Uri.EscapeDataString(trackingNumber)}/attachments/{attachmentId}"))
            .RequireAuthorization(policy => policy.RequireRole("analyst", "coordinator"));

        // A file the coordinator shared with the vendor's organisation, under its neutral name.
        app.MapGet("/vendor/cases/{trackingNumber}/files/{attachmentId:guid}", (string trackingNumber, Guid attachmentId, GatewayClient gateway, HttpContext context) =>
            PassFileAsync(gateway, context, $"api/coordination/vendor/cases/{Uri.EscapeDataString(trackingNumber)}/files/{attachmentId}"))
            .RequireAuthorization(policy => policy.RequireRole("vendor"));

        // Previews of an unpublished advisory for coordinators: the public page (with its own policy) and the CSAF document.
        app.MapGet("/staff/advisories/{publicId}/preview/{kind}", async (string publicId, string kind, string? lang, GatewayClient gateway, HttpContext context) =>
        {
            if (kind is not ("html" or "csaf")) return Results.NotFound();
            var path = $"api/advisories/{Uri.EscapeDataString(publicId)}/preview/{kind}" + (kind == "html" && lang == "zh-CN" ? "?lang=zh-CN" : "");
            using var response = await gateway.SendAsync(new HttpRequestMessage(HttpMethod.Get, path), context.RequestAborted);
            if (!response.IsSuccessStatusCode) return Results.NotFound();
            if (response.Headers.TryGetValues("Content-Security-Policy", out var policies)) context.Response.Headers.ContentSecurityPolicy = policies.First();
            return Results.Content(await response.Content.ReadAsStringAsync(context.RequestAborted), response.Content.Headers.ContentType?.ToString() ?? "text/plain");
        }).RequireAuthorization(policy => policy.RequireRole("coordinator"));

        // The confidential pen-test report, for the requester it was released to: the link's token and
        // their own address; every download is recorded by Disclosure; a refusal says nothing more.
        app.MapPost("/penetration-tests/download/file", async (HttpContext context, IAntiforgery antiforgery, GatewayClient gateway) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context)) return Results.BadRequest();
            var form = await context.Request.ReadFormAsync(context.RequestAborted);
            var token = form["token"].ToString();
            var request = new HttpRequestMessage(HttpMethod.Post, "pentest/downloads") { Content = System.Net.Http.Json.JsonContent.Create(new { email = form["email"].ToString() }) };
            if (token.Length is > 0 and < 200) request.Headers.Add("X-Download-Token", token);
            using var response = await gateway.SendAsync(request, context.RequestAborted);
            if (!response.IsSuccessStatusCode)
            {
                return Results.Redirect($"/penetration-tests/download?refused=true&token={Uri.EscapeDataString(token.Length < 200 ? token : "")}");
            }
            context.Response.ContentType = "application/octet-stream";
            context.Response.Headers.ContentDisposition = response.Content.Headers.ContentDisposition?.ToString() ?? "attachment";
            context.Response.Headers.CacheControl = "no-store";
            await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
            return Results.Empty;
        }).DisableAntiforgery(); // checked above

        app.MapGet("/favicon.ico", () => Results.Redirect("/img/icon.svg", permanent: true));
    }

    /// <summary>A file from an API, streamed to the browser as a download (never rendered, never cached).</summary>
    private static async Task<IResult> PassFileAsync(GatewayClient gateway, HttpContext context, string path, string? trackingNumber = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        using var response = trackingNumber is null
            ? await gateway.SendAsync(request, context.RequestAborted)
            : await gateway.SendForReportAsync(request, trackingNumber, context.RequestAborted);
        if (!response.IsSuccessStatusCode) return Results.NotFound();
        context.Response.ContentType = "application/octet-stream";
        context.Response.Headers.ContentDisposition = response.Content.Headers.ContentDisposition?.ToString() ?? "attachment";
        context.Response.Headers.CacheControl = "no-store";
        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
        return Results.Empty;
    }

    /// <summary>Only a path on this site: never another origin (//host, /\host) after signing in.</summary>
    public static string SafeReturn(string? returnUrl) => LocalReturnAddress.Resolve(returnUrl, "/");
}
