namespace TokenValidation.Resilience;

/// <summary>
/// Runs each request of the AuthKit <see cref="HttpClient"/> through the shared <see cref="AuthKitResiliencePipeline"/>.
/// Added first to the client, so handlers the application adds later sit inside it (once per attempt).
/// </summary>
/// <remarks>
/// A retry re-sends the same <see cref="HttpRequestMessage"/>: safe here because the userinfo request is a GET without
/// content, and the handler chain below (unlike <see cref="HttpClient"/> itself) does not refuse a second send.
/// Polly disposes each discarded response before retrying. Exceptions leave as Polly's
/// <c>TimeoutRejectedException</c> / <c>BrokenCircuitException</c>, which the validator maps to Unavailable.
/// </remarks>
internal sealed class AuthKitResilienceHandler(AuthKitResiliencePipeline pipeline) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (pipeline.Pipeline is not { } resilience)
        {
            return base.SendAsync(request, cancellationToken);
        }

        return resilience.ExecuteAsync(
            static (state, token) => new ValueTask<HttpResponseMessage>(state.Handler.SendInnerAsync(state.Request, token)),
            (Handler: this, Request: request),
            cancellationToken).AsTask();
    }

    private Task<HttpResponseMessage> SendInnerAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        base.SendAsync(request, cancellationToken);
}
