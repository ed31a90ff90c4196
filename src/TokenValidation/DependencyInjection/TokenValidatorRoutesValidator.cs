using Microsoft.Extensions.Options;

namespace TokenValidation.DependencyInjection;

/// <summary>Start-up check that no two validators claim one prefix and at most one is the fallback.</summary>
internal sealed class TokenValidatorRoutesValidator(IServiceProvider services) : IValidateOptions<TokenValidationOptions>
{
    public ValidateOptionsResult Validate(string? name, TokenValidationOptions options)
    {
        List<(string? Prefix, TokenValidatorRegistration Registration)> routes;
        try
        {
            routes = TokenValidatorRoutes.Expand(options, services);
        }
        catch (OptionsValidationException)
        {
            // A validator's own options are invalid; their validation reports it, once.
            return ValidateOptionsResult.Skip;
        }

        var problems = TokenValidatorRoutes.Problems(routes).ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}
