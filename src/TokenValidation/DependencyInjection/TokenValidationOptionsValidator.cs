using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using TokenValidation.ApiKeys;
using TokenValidation.AuthKit;
using TokenValidation.Caching;

namespace TokenValidation.DependencyInjection;

/// <summary>Start-up checks for every options class, with messages that name the configuration key at fault.</summary>
/// <param name="sectionPath">The path of the section the options are bound from, for the messages.</param>
/// <param name="section">That section, when the options are bound from configuration.</param>
internal sealed class TokenValidationOptionsValidator(string sectionPath, IConfiguration? section = null) :
    IValidateOptions<TokenValidationOptions>,
    IValidateOptions<AuthKitOptions>,
    IValidateOptions<ApiKeyOptions>,
    IValidateOptions<TokenCacheOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenValidationOptions options)
    {
        var errors = new List<string>();
        if (options.MaxTokenLength < 16)
        {
            errors.Add($"{sectionPath}:MaxTokenLength must be at least 16 (got {options.MaxTokenLength}).");
        }

        if (options.MaxConcurrentUpstreamCalls < 1)
        {
            errors.Add($"{sectionPath}:MaxConcurrentUpstreamCalls must be at least 1 (got {options.MaxConcurrentUpstreamCalls}).");
        }

        if (options.ClientMissesPerSecond < 0)
        {
            errors.Add($"{sectionPath}:ClientMissesPerSecond must not be negative (got {options.ClientMissesPerSecond}); 0 turns the limit off.");
        }

        if (options.ClientMissBurst < 1)
        {
            errors.Add($"{sectionPath}:ClientMissBurst must be at least 1 (got {options.ClientMissBurst}).");
        }

        if (options.DefaultRetryAfterSeconds < 1)
        {
            errors.Add($"{sectionPath}:DefaultRetryAfterSeconds must be at least 1 (got {options.DefaultRetryAfterSeconds}).");
        }

        // Failing beats warning: without AddAuthKit every mat_ token answers invalid_token, and MCP clients that see
        // invalid_token throw their tokens away and send the user back to log in, over and over, while the server runs.
        if (!string.IsNullOrEmpty(section?["AuthKit:Authority"]) && !options.Validators.Any(v => v.Name == TokenSources.AuthKit))
        {
            errors.Add($"{sectionPath}:AuthKit:Authority is configured but AuthKit tokens are not validated: call .AddAuthKit() after AddTokenValidation(…), or remove the key.");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, AuthKitOptions options)
    {
        var errors = new List<string>();
        string key = sectionPath + ":AuthKit";
        Add(errors, ConfigurationUrl.Check(key + ":Authority", options.Authority, options.AllowHttp));
        if (string.IsNullOrWhiteSpace(options.UserInfoPath) || !options.UserInfoPath.StartsWith('/') || options.UserInfoPath.Trim() != options.UserInfoPath)
        {
            errors.Add($"{key}:UserInfoPath must be a path starting with '/' (got '{options.UserInfoPath}').");
        }

        CheckPrefix(errors, key + ":TokenPrefix", options.TokenPrefix);
        if (options.Timeout <= TimeSpan.Zero)
        {
            errors.Add($"{key}:Timeout must be positive (got {options.Timeout}).");
        }

        if (options.MaxResponseBytes < 256)
        {
            errors.Add($"{key}:MaxResponseBytes must be at least 256 (got {options.MaxResponseBytes}).");
        }

        ValidateResilience(errors, key, options);
        return Result(errors);
    }

    // The ranges are Polly's own, checked here so a bad value fails at start-up naming its key, not on the first miss.
    private static void ValidateResilience(List<string> errors, string authKitKey, AuthKitOptions options)
    {
        var resilience = options.Resilience;
        string key = authKitKey + ":Resilience";
        if (resilience is null)
        {
            errors.Add($"{key} must not be null.");
            return;
        }

        if (!resilience.Enabled)
        {
            return;
        }

        var minTimeout = TimeSpan.FromMilliseconds(10);
        var maxDuration = TimeSpan.FromDays(1);
        if (options.Timeout < minTimeout || options.Timeout > maxDuration)
        {
            errors.Add($"{authKitKey}:Timeout must be between 10 ms and 1 day while {key}:Enabled is on (got {options.Timeout}).");
        }

        // An AttemptTimeout above Timeout is not an error: it is capped at Timeout, so lowering the one documented
        // Timeout keeps working without touching the nested setting.
        if (resilience.AttemptTimeout < minTimeout || resilience.AttemptTimeout > maxDuration)
        {
            errors.Add($"{key}:AttemptTimeout must be between 10 ms and 1 day (got {resilience.AttemptTimeout}).");
        }

        if (resilience.MaxRetryAttempts is < 0 or > 5)
        {
            errors.Add($"{key}:MaxRetryAttempts must be between 0 and 5 (got {resilience.MaxRetryAttempts}).");
        }

        if (resilience.RetryDelay < TimeSpan.Zero || resilience.RetryDelay > maxDuration)
        {
            errors.Add($"{key}:RetryDelay must be between 0 and 1 day (got {resilience.RetryDelay}).");
        }

        if (resilience.MaxRetryAfter < TimeSpan.Zero)
        {
            errors.Add($"{key}:MaxRetryAfter must not be negative (got {resilience.MaxRetryAfter}).");
        }

        if (!(resilience.FailureRatio > 0 && resilience.FailureRatio <= 1))
        {
            errors.Add($"{key}:FailureRatio must be greater than 0 and at most 1 (got {resilience.FailureRatio}).");
        }

        var minWindow = TimeSpan.FromMilliseconds(500);
        if (resilience.SamplingDuration < minWindow || resilience.SamplingDuration > maxDuration)
        {
            errors.Add($"{key}:SamplingDuration must be between 0.5 seconds and 1 day (got {resilience.SamplingDuration}).");
        }

        if (resilience.MinimumThroughput < 2)
        {
            errors.Add($"{key}:MinimumThroughput must be at least 2 (got {resilience.MinimumThroughput}).");
        }

        if (resilience.BreakDuration < minWindow || resilience.BreakDuration > maxDuration)
        {
            errors.Add($"{key}:BreakDuration must be between 0.5 seconds and 1 day (got {resilience.BreakDuration}).");
        }
    }

    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options)
    {
        var errors = new List<string>();
        string key = sectionPath + ":ApiKeys";
        CheckPrefix(errors, key + ":Prefix", options.Prefix);
        for (int i = 0; i < options.Keys.Count; i++)
        {
            var entry = options.Keys[i];
            string entryKey = $"{key}:Keys:{i}";
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                errors.Add($"{entryKey}:Name is required.");
            }

            if (!IsSha256Hex(entry.Hash))
            {
                errors.Add(entry.Hash.StartsWith(options.Prefix, StringComparison.Ordinal)
                    ? $"{entryKey}:Hash holds what looks like a plaintext API key. Configure its SHA-256 (64 hex digits) instead, and treat the key as leaked."
                    : $"{entryKey}:Hash must be the SHA-256 of the key as 64 hex digits.");
            }
        }

        foreach (var duplicate in options.Keys.Where(k => IsSha256Hex(k.Hash)).GroupBy(k => k.Hash.Trim().ToLowerInvariant()).Where(g => g.Count() > 1))
        {
            errors.Add($"{key}:Keys has the same hash more than once (names: {string.Join(", ", duplicate.Select(k => k.Name))}).");
        }

        return Result(errors);
    }

    public ValidateOptionsResult Validate(string? name, TokenCacheOptions options)
    {
        var errors = new List<string>();
        string key = sectionPath + ":Cache";
        if (options.Lifetime <= TimeSpan.Zero)
        {
            errors.Add($"{key}:Lifetime must be positive (got {options.Lifetime}).");
        }

        if (options.InvalidLifetime < TimeSpan.Zero)
        {
            errors.Add($"{key}:InvalidLifetime must not be negative (got {options.InvalidLifetime}).");
        }

        if (options.MaxEntries < 1)
        {
            errors.Add($"{key}:MaxEntries must be at least 1 (got {options.MaxEntries}).");
        }

        if (options.MaxInvalidEntries < 1)
        {
            errors.Add($"{key}:MaxInvalidEntries must be at least 1 (got {options.MaxInvalidEntries}); set InvalidLifetime to zero to keep no invalid answers.");
        }

        if (!(options.RefreshAheadRatio >= 0 && options.RefreshAheadRatio < 1))
        {
            errors.Add($"{key}:RefreshAheadRatio must be at least 0 and below 1 (got {options.RefreshAheadRatio}); 0 turns refresh ahead off.");
        }

        if (options.StaleIfErrorWindow < TimeSpan.Zero)
        {
            errors.Add($"{key}:StaleIfErrorWindow must not be negative (got {options.StaleIfErrorWindow}); zero turns it off.");
        }

        if (options.DistributedCacheTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{key}:DistributedCacheTimeout must be positive (got {options.DistributedCacheTimeout}).");
        }

        if (options.DistributedCacheFailureThreshold < 1)
        {
            errors.Add($"{key}:DistributedCacheFailureThreshold must be at least 1 (got {options.DistributedCacheFailureThreshold}).");
        }

        if (options.DistributedCacheCooldown < TimeSpan.Zero)
        {
            errors.Add($"{key}:DistributedCacheCooldown must not be negative (got {options.DistributedCacheCooldown}).");
        }

        return Result(errors);
    }

    private static void CheckPrefix(List<string> errors, string key, string? prefix)
    {
        if (string.IsNullOrEmpty(prefix) || !Parsing.BearerTokenReader.IsB64Token(prefix) || prefix.Contains('='))
        {
            errors.Add($"{key} must be a non-empty run of token characters such as 'mat_' (got '{prefix}').");
        }
    }

    private static bool IsSha256Hex(string? value)
    {
        var trimmed = value.AsSpan().Trim();
        return trimmed.Length == 64 && !trimmed.ContainsAnyExcept("0123456789abcdefABCDEF");
    }

    private static void Add(List<string> errors, string? error)
    {
        if (error is not null)
        {
            errors.Add(error);
        }
    }

    private static ValidateOptionsResult Result(List<string> errors) =>
        errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
}
