using System.Diagnostics;
using Marten;

namespace VulnPlatform.ServiceDefaults.Persistence;

/// <summary>
/// Opens lightweight sessions that record the W3C trace context of the current activity on every
/// event they append, so the relay can continue the same trace when it publishes them later.
/// </summary>
public sealed class TraceStampingSessionFactory(IDocumentStore store) : ISessionFactory
{
    public const string TraceParentHeader = "traceparent";
    public const string TraceStateHeader = "tracestate";

    public IQuerySession QuerySession() => store.QuerySession();

    public IDocumentSession OpenSession()
    {
        var session = store.LightweightSession();
        if (Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity)
        {
            session.SetHeader(TraceParentHeader, activity.Id!);
            if (!string.IsNullOrEmpty(activity.TraceStateString))
            {
                session.SetHeader(TraceStateHeader, activity.TraceStateString);
            }
            session.CorrelationId = activity.TraceId.ToString();
        }
        return session;
    }
}
