using System.Text.Json.Serialization;

namespace TokenValidation.Doctor;

/// <summary>The verdict of one check.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckStatus>))]
internal enum CheckStatus
{
    /// <summary>What clients need is there.</summary>
    [JsonStringEnumMemberName("pass")]
    Pass,

    /// <summary>Works for most clients, breaks some, or costs users something (re-sign-in, a browser client).</summary>
    [JsonStringEnumMemberName("warn")]
    Warn,

    /// <summary>Clients cannot get through this step.</summary>
    [JsonStringEnumMemberName("fail")]
    Fail,

    /// <summary>Not checked: an earlier step it depends on failed, or it needs <c>--token</c>.</summary>
    [JsonStringEnumMemberName("skip")]
    Skip,
}
