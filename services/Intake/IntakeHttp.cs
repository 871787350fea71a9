using VulnPlatform.ServiceDefaults.Http;

namespace VulnPlatform.Intake;

public static class IntakeHttp
{
    /// <summary>
    /// Every reporter response carries a follow-up token or personal data, or tells whether a report
    /// exists: no browser, proxy or app cache may keep it.
    /// </summary>
    public static RouteGroupBuilder WithPersonalDataResponses(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            context.HttpContext.Response.Headers.CacheControl = "no-store";
            return await next(context);
        });
}
