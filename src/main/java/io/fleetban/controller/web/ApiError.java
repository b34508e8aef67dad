package io.fleetban.controller.web;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The one error shape of the API. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String error, String field) {
}
