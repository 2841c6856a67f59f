export const id = 270;
export const ids = [270];
export const modules = {

/***/ 4270:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  githubCliPlatform: () => (/* binding */ githubCliPlatform)
});

// UNUSED EXPORTS: failStep, githubApprovalContext, githubApprovalGate, githubContext, githubHost, githubMainRuntime, githubPostRuntime, runActionMain

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "os"
var external_os_ = __webpack_require__(857);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/utils.js
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */
/**
 * Sanitizes an input into a string so it can be passed into issueCommand safely
 * @param input input to sanitize into a string
 */
function utils_toCommandValue(input) {
    if (input === null || input === undefined) {
        return '';
    }
    else if (typeof input === 'string' || input instanceof String) {
        return input;
    }
    return JSON.stringify(input);
}
/**
 *
 * @param annotationProperties
 * @returns The command properties to send with the actual annotation command
 * See IssueCommandProperties: https://github.com/actions/runner/blob/main/src/Runner.Worker/ActionCommandManager.cs#L646
 */
function utils_toCommandProperties(annotationProperties) {
    if (!Object.keys(annotationProperties).length) {
        return {};
    }
    return {
        title: annotationProperties.title,
        file: annotationProperties.file,
        line: annotationProperties.startLine,
        endLine: annotationProperties.endLine,
        col: annotationProperties.startColumn,
        endColumn: annotationProperties.endColumn
    };
}
//# sourceMappingURL=utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/command.js


/**
 * Issues a command to the GitHub Actions runner
 *
 * @param command - The command name to issue
 * @param properties - Additional properties for the command (key-value pairs)
 * @param message - The message to include with the command
 * @remarks
 * This function outputs a specially formatted string to stdout that the Actions
 * runner interprets as a command. These commands can control workflow behavior,
 * set outputs, create annotations, mask values, and more.
 *
 * Command Format:
 *   ::name key=value,key=value::message
 *
 * @example
 * ```typescript
 * // Issue a warning annotation
 * issueCommand('warning', {}, 'This is a warning message');
 * // Output: ::warning::This is a warning message
 *
 * // Set an environment variable
 * issueCommand('set-env', { name: 'MY_VAR' }, 'some value');
 * // Output: ::set-env name=MY_VAR::some value
 *
 * // Add a secret mask
 * issueCommand('add-mask', {}, 'secretValue123');
 * // Output: ::add-mask::secretValue123
 * ```
 *
 * @internal
 * This is an internal utility function that powers the public API functions
 * such as setSecret, warning, error, and exportVariable.
 */
function command_issueCommand(command, properties, message) {
    const cmd = new Command(command, properties, message);
    process.stdout.write(cmd.toString() + external_os_.EOL);
}
function command_issue(name, message = '') {
    command_issueCommand(name, {}, message);
}
const CMD_STRING = '::';
class Command {
    constructor(command, properties, message) {
        if (!command) {
            command = 'missing.command';
        }
        this.command = command;
        this.properties = properties;
        this.message = message;
    }
    toString() {
        let cmdStr = CMD_STRING + this.command;
        if (this.properties && Object.keys(this.properties).length > 0) {
            cmdStr += ' ';
            let first = true;
            for (const key in this.properties) {
                if (this.properties.hasOwnProperty(key)) {
                    const val = this.properties[key];
                    if (val) {
                        if (first) {
                            first = false;
                        }
                        else {
                            cmdStr += ',';
                        }
                        cmdStr += `${key}=${escapeProperty(val)}`;
                    }
                }
            }
        }
        cmdStr += `${CMD_STRING}${escapeData(this.message)}`;
        return cmdStr;
    }
}
function escapeData(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A');
}
function escapeProperty(s) {
    return utils_toCommandValue(s)
        .replace(/%/g, '%25')
        .replace(/\r/g, '%0D')
        .replace(/\n/g, '%0A')
        .replace(/:/g, '%3A')
        .replace(/,/g, '%2C');
}
//# sourceMappingURL=command.js.map
// EXTERNAL MODULE: external "crypto"
var external_crypto_ = __webpack_require__(6982);
// EXTERNAL MODULE: external "fs"
var external_fs_ = __webpack_require__(9896);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/file-command.js
// For internal use, subject to change.
// We use any as a valid input type
/* eslint-disable @typescript-eslint/no-explicit-any */




function file_command_issueFileCommand(command, message) {
    const filePath = process.env[`GITHUB_${command}`];
    if (!filePath) {
        throw new Error(`Unable to find environment variable for file command ${command}`);
    }
    if (!fs.existsSync(filePath)) {
        throw new Error(`Missing file at path: ${filePath}`);
    }
    fs.appendFileSync(filePath, `${toCommandValue(message)}${os.EOL}`, {
        encoding: 'utf8'
    });
}
function file_command_prepareKeyValueMessage(key, value) {
    const delimiter = `ghadelimiter_${crypto.randomUUID()}`;
    const convertedValue = toCommandValue(value);
    // These should realistically never happen, but just in case someone finds a
    // way to exploit uuid generation let's not allow keys or values that contain
    // the delimiter.
    if (key.includes(delimiter)) {
        throw new Error(`Unexpected input: name should not contain the delimiter "${delimiter}"`);
    }
    if (convertedValue.includes(delimiter)) {
        throw new Error(`Unexpected input: value should not contain the delimiter "${delimiter}"`);
    }
    return `${key}<<${delimiter}${os.EOL}${convertedValue}${os.EOL}${delimiter}`;
}
//# sourceMappingURL=file-command.js.map
// EXTERNAL MODULE: external "path"
var external_path_ = __webpack_require__(6928);
// EXTERNAL MODULE: external "./actions-http-client.cjs"
var external_actions_http_client_cjs_ = __webpack_require__(409);
;// CONCATENATED MODULE: ./node_modules/@actions/http-client/lib/auth.js
var __awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};
class BasicCredentialHandler {
    constructor(username, password) {
        this.username = username;
        this.password = password;
    }
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class auth_BearerCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Bearer ${this.token}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
class PersonalAccessTokenCredentialHandler {
    constructor(token) {
        this.token = token;
    }
    // currently implements pre-authorization
    // TODO: support preAuth = false where it hooks on 401
    prepareRequest(options) {
        if (!options.headers) {
            throw Error('The request has no headers');
        }
        options.headers['Authorization'] = `Basic ${Buffer.from(`PAT:${this.token}`).toString('base64')}`;
    }
    // This handler cannot handle 401
    canHandleAuthentication() {
        return false;
    }
    handleAuthentication() {
        return __awaiter(this, void 0, void 0, function* () {
            throw new Error('not implemented');
        });
    }
}
//# sourceMappingURL=auth.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/oidc-utils.js
var oidc_utils_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};



class oidc_utils_OidcClient {
    static createHttpClient(allowRetry = true, maxRetry = 10) {
        const requestOptions = {
            allowRetries: allowRetry,
            maxRetries: maxRetry
        };
        return new HttpClient('actions/oidc-client', [new BearerCredentialHandler(oidc_utils_OidcClient.getRequestToken())], requestOptions);
    }
    static getRequestToken() {
        const token = process.env['ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
        if (!token) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_TOKEN env variable');
        }
        return token;
    }
    static getIDTokenUrl() {
        const runtimeUrl = process.env['ACTIONS_ID_TOKEN_REQUEST_URL'];
        if (!runtimeUrl) {
            throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
        }
        return runtimeUrl;
    }
    static getCall(id_token_url) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            var _a;
            const httpclient = oidc_utils_OidcClient.createHttpClient();
            const res = yield httpclient
                .getJson(id_token_url)
                .catch(error => {
                throw new Error(`Failed to get ID Token. \n 
        Error Code : ${error.statusCode}\n 
        Error Message: ${error.message}`);
            });
            const id_token = (_a = res.result) === null || _a === void 0 ? void 0 : _a.value;
            if (!id_token) {
                throw new Error('Response json body do not have ID Token field');
            }
            return id_token;
        });
    }
    static getIDToken(audience) {
        return oidc_utils_awaiter(this, void 0, void 0, function* () {
            try {
                // New ID Token is requested from action service
                let id_token_url = oidc_utils_OidcClient.getIDTokenUrl();
                if (audience) {
                    const encodedAudience = encodeURIComponent(audience);
                    id_token_url = `${id_token_url}&audience=${encodedAudience}`;
                }
                debug(`ID token url is ${id_token_url}`);
                const id_token = yield oidc_utils_OidcClient.getCall(id_token_url);
                setSecret(id_token);
                return id_token;
            }
            catch (error) {
                throw new Error(`Error message: ${error.message}`);
            }
        });
    }
}
//# sourceMappingURL=oidc-utils.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/summary.js
var summary_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const { access, appendFile, writeFile } = external_fs_.promises;
const SUMMARY_ENV_VAR = 'GITHUB_STEP_SUMMARY';
const SUMMARY_DOCS_URL = 'https://docs.github.com/actions/using-workflows/workflow-commands-for-github-actions#adding-a-job-summary';
class Summary {
    constructor() {
        this._buffer = '';
    }
    /**
     * Finds the summary file path from the environment, rejects if env var is not found or file does not exist
     * Also checks r/w permissions.
     *
     * @returns step summary file path
     */
    filePath() {
        return summary_awaiter(this, void 0, void 0, function* () {
            if (this._filePath) {
                return this._filePath;
            }
            const pathFromEnv = process.env[SUMMARY_ENV_VAR];
            if (!pathFromEnv) {
                throw new Error(`Unable to find environment variable for $${SUMMARY_ENV_VAR}. Check if your runtime environment supports job summaries.`);
            }
            try {
                yield access(pathFromEnv, external_fs_.constants.R_OK | external_fs_.constants.W_OK);
            }
            catch (_a) {
                throw new Error(`Unable to access summary file: '${pathFromEnv}'. Check if the file has correct read/write permissions.`);
            }
            this._filePath = pathFromEnv;
            return this._filePath;
        });
    }
    /**
     * Wraps content in an HTML tag, adding any HTML attributes
     *
     * @param {string} tag HTML tag to wrap
     * @param {string | null} content content within the tag
     * @param {[attribute: string]: string} attrs key-value list of HTML attributes to add
     *
     * @returns {string} content wrapped in HTML element
     */
    wrap(tag, content, attrs = {}) {
        const htmlAttrs = Object.entries(attrs)
            .map(([key, value]) => ` ${key}="${value}"`)
            .join('');
        if (!content) {
            return `<${tag}${htmlAttrs}>`;
        }
        return `<${tag}${htmlAttrs}>${content}</${tag}>`;
    }
    /**
     * Writes text in the buffer to the summary buffer file and empties buffer. Will append by default.
     *
     * @param {SummaryWriteOptions} [options] (optional) options for write operation
     *
     * @returns {Promise<Summary>} summary instance
     */
    write(options) {
        return summary_awaiter(this, void 0, void 0, function* () {
            const overwrite = !!(options === null || options === void 0 ? void 0 : options.overwrite);
            const filePath = yield this.filePath();
            const writeFunc = overwrite ? writeFile : appendFile;
            yield writeFunc(filePath, this._buffer, { encoding: 'utf8' });
            return this.emptyBuffer();
        });
    }
    /**
     * Clears the summary buffer and wipes the summary file
     *
     * @returns {Summary} summary instance
     */
    clear() {
        return summary_awaiter(this, void 0, void 0, function* () {
            return this.emptyBuffer().write({ overwrite: true });
        });
    }
    /**
     * Returns the current summary buffer as a string
     *
     * @returns {string} string of summary buffer
     */
    stringify() {
        return this._buffer;
    }
    /**
     * If the summary buffer is empty
     *
     * @returns {boolen} true if the buffer is empty
     */
    isEmptyBuffer() {
        return this._buffer.length === 0;
    }
    /**
     * Resets the summary buffer without writing to summary file
     *
     * @returns {Summary} summary instance
     */
    emptyBuffer() {
        this._buffer = '';
        return this;
    }
    /**
     * Adds raw text to the summary buffer
     *
     * @param {string} text content to add
     * @param {boolean} [addEOL=false] (optional) append an EOL to the raw text (default: false)
     *
     * @returns {Summary} summary instance
     */
    addRaw(text, addEOL = false) {
        this._buffer += text;
        return addEOL ? this.addEOL() : this;
    }
    /**
     * Adds the operating system-specific end-of-line marker to the buffer
     *
     * @returns {Summary} summary instance
     */
    addEOL() {
        return this.addRaw(external_os_.EOL);
    }
    /**
     * Adds an HTML codeblock to the summary buffer
     *
     * @param {string} code content to render within fenced code block
     * @param {string} lang (optional) language to syntax highlight code
     *
     * @returns {Summary} summary instance
     */
    addCodeBlock(code, lang) {
        const attrs = Object.assign({}, (lang && { lang }));
        const element = this.wrap('pre', this.wrap('code', code), attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML list to the summary buffer
     *
     * @param {string[]} items list of items to render
     * @param {boolean} [ordered=false] (optional) if the rendered list should be ordered or not (default: false)
     *
     * @returns {Summary} summary instance
     */
    addList(items, ordered = false) {
        const tag = ordered ? 'ol' : 'ul';
        const listItems = items.map(item => this.wrap('li', item)).join('');
        const element = this.wrap(tag, listItems);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML table to the summary buffer
     *
     * @param {SummaryTableCell[]} rows table rows
     *
     * @returns {Summary} summary instance
     */
    addTable(rows) {
        const tableBody = rows
            .map(row => {
            const cells = row
                .map(cell => {
                if (typeof cell === 'string') {
                    return this.wrap('td', cell);
                }
                const { header, data, colspan, rowspan } = cell;
                const tag = header ? 'th' : 'td';
                const attrs = Object.assign(Object.assign({}, (colspan && { colspan })), (rowspan && { rowspan }));
                return this.wrap(tag, data, attrs);
            })
                .join('');
            return this.wrap('tr', cells);
        })
            .join('');
        const element = this.wrap('table', tableBody);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds a collapsable HTML details element to the summary buffer
     *
     * @param {string} label text for the closed state
     * @param {string} content collapsable content
     *
     * @returns {Summary} summary instance
     */
    addDetails(label, content) {
        const element = this.wrap('details', this.wrap('summary', label) + content);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML image tag to the summary buffer
     *
     * @param {string} src path to the image you to embed
     * @param {string} alt text description of the image
     * @param {SummaryImageOptions} options (optional) addition image attributes
     *
     * @returns {Summary} summary instance
     */
    addImage(src, alt, options) {
        const { width, height } = options || {};
        const attrs = Object.assign(Object.assign({}, (width && { width })), (height && { height }));
        const element = this.wrap('img', null, Object.assign({ src, alt }, attrs));
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML section heading element
     *
     * @param {string} text heading text
     * @param {number | string} [level=1] (optional) the heading level, default: 1
     *
     * @returns {Summary} summary instance
     */
    addHeading(text, level) {
        const tag = `h${level}`;
        const allowedTag = ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].includes(tag)
            ? tag
            : 'h1';
        const element = this.wrap(allowedTag, text);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML thematic break (<hr>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addSeparator() {
        const element = this.wrap('hr', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML line break (<br>) to the summary buffer
     *
     * @returns {Summary} summary instance
     */
    addBreak() {
        const element = this.wrap('br', null);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML blockquote to the summary buffer
     *
     * @param {string} text quote text
     * @param {string} cite (optional) citation url
     *
     * @returns {Summary} summary instance
     */
    addQuote(text, cite) {
        const attrs = Object.assign({}, (cite && { cite }));
        const element = this.wrap('blockquote', text, attrs);
        return this.addRaw(element).addEOL();
    }
    /**
     * Adds an HTML anchor tag to the summary buffer
     *
     * @param {string} text link text/content
     * @param {string} href hyperlink
     *
     * @returns {Summary} summary instance
     */
    addLink(text, href) {
        const element = this.wrap('a', text, { href });
        return this.addRaw(element).addEOL();
    }
}
const _summary = new Summary();
/**
 * @deprecated use `core.summary`
 */
const markdownSummary = (/* unused pure expression or super */ null && (_summary));
const summary = _summary;
//# sourceMappingURL=summary.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/path-utils.js

/**
 * toPosixPath converts the given path to the posix form. On Windows, \\ will be
 * replaced with /.
 *
 * @param pth. Path to transform.
 * @return string Posix path.
 */
function toPosixPath(pth) {
    return pth.replace(/[\\]/g, '/');
}
/**
 * toWin32Path converts the given path to the win32 form. On Linux, / will be
 * replaced with \\.
 *
 * @param pth. Path to transform.
 * @return string Win32 path.
 */
function toWin32Path(pth) {
    return pth.replace(/[/]/g, '\\');
}
/**
 * toPlatformPath converts the given path to a platform-specific path. It does
 * this by replacing instances of / and \ with the platform-specific path
 * separator.
 *
 * @param pth The path to platformize.
 * @return string The platform-specific path.
 */
function toPlatformPath(pth) {
    return pth.replace(/[/\\]/g, path.sep);
}
//# sourceMappingURL=path-utils.js.map
// EXTERNAL MODULE: external "./actions-exec.cjs"
var external_actions_exec_cjs_ = __webpack_require__(6186);
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/platform.js
var platform_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};


const getWindowsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout: version } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Version"', undefined, {
        silent: true
    });
    const { stdout: name } = yield exec.getExecOutput('powershell -command "(Get-CimInstance -ClassName Win32_OperatingSystem).Caption"', undefined, {
        silent: true
    });
    return {
        name: name.trim(),
        version: version.trim()
    };
});
const getMacOsInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    var _a, _b, _c, _d;
    const { stdout } = yield exec.getExecOutput('sw_vers', undefined, {
        silent: true
    });
    const version = (_b = (_a = stdout.match(/ProductVersion:\s*(.+)/)) === null || _a === void 0 ? void 0 : _a[1]) !== null && _b !== void 0 ? _b : '';
    const name = (_d = (_c = stdout.match(/ProductName:\s*(.+)/)) === null || _c === void 0 ? void 0 : _c[1]) !== null && _d !== void 0 ? _d : '';
    return {
        name,
        version
    };
});
const getLinuxInfo = () => platform_awaiter(void 0, void 0, void 0, function* () {
    const { stdout } = yield exec.getExecOutput('lsb_release', ['-i', '-r', '-s'], {
        silent: true
    });
    const [name, version] = stdout.trim().split('\n');
    return {
        name,
        version
    };
});
const platform = external_os_.platform();
const arch = external_os_.arch();
const isWindows = platform === 'win32';
const isMacOS = platform === 'darwin';
const isLinux = platform === 'linux';
function getDetails() {
    return platform_awaiter(this, void 0, void 0, function* () {
        return Object.assign(Object.assign({}, (yield (isWindows
            ? getWindowsInfo()
            : isMacOS
                ? getMacOsInfo()
                : getLinuxInfo()))), { platform,
            arch,
            isWindows,
            isMacOS,
            isLinux });
    });
}
//# sourceMappingURL=platform.js.map
;// CONCATENATED MODULE: ./node_modules/@actions/core/lib/core.js
var core_awaiter = (undefined && undefined.__awaiter) || function (thisArg, _arguments, P, generator) {
    function adopt(value) { return value instanceof P ? value : new P(function (resolve) { resolve(value); }); }
    return new (P || (P = Promise))(function (resolve, reject) {
        function fulfilled(value) { try { step(generator.next(value)); } catch (e) { reject(e); } }
        function rejected(value) { try { step(generator["throw"](value)); } catch (e) { reject(e); } }
        function step(result) { result.done ? resolve(result.value) : adopt(result.value).then(fulfilled, rejected); }
        step((generator = generator.apply(thisArg, _arguments || [])).next());
    });
};






/**
 * The code to exit an action
 */
var ExitCode;
(function (ExitCode) {
    /**
     * A code indicating that the action was successful
     */
    ExitCode[ExitCode["Success"] = 0] = "Success";
    /**
     * A code indicating that the action was a failure
     */
    ExitCode[ExitCode["Failure"] = 1] = "Failure";
})(ExitCode || (ExitCode = {}));
//-----------------------------------------------------------------------
// Variables
//-----------------------------------------------------------------------
/**
 * Sets env variable for this action and future actions in the job
 * @param name the name of the variable to set
 * @param val the value of the variable. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function exportVariable(name, val) {
    const convertedVal = toCommandValue(val);
    process.env[name] = convertedVal;
    const filePath = process.env['GITHUB_ENV'] || '';
    if (filePath) {
        return issueFileCommand('ENV', prepareKeyValueMessage(name, val));
    }
    issueCommand('set-env', { name }, convertedVal);
}
/**
 * Registers a secret which will get masked from logs
 *
 * @param secret - Value of the secret to be masked
 * @remarks
 * This function instructs the Actions runner to mask the specified value in any
 * logs produced during the workflow run. Once registered, the secret value will
 * be replaced with asterisks (***) whenever it appears in console output, logs,
 * or error messages.
 *
 * This is useful for protecting sensitive information such as:
 * - API keys
 * - Access tokens
 * - Authentication credentials
 * - URL parameters containing signatures (SAS tokens)
 *
 * Note that masking only affects future logs; any previous appearances of the
 * secret in logs before calling this function will remain unmasked.
 *
 * @example
 * ```typescript
 * // Register an API token as a secret
 * const apiToken = "abc123xyz456";
 * setSecret(apiToken);
 *
 * // Now any logs containing this value will show *** instead
 * console.log(`Using token: ${apiToken}`); // Outputs: "Using token: ***"
 * ```
 */
function core_setSecret(secret) {
    command_issueCommand('add-mask', {}, secret);
}
/**
 * Prepends inputPath to the PATH (for this action and future actions)
 * @param inputPath
 */
function addPath(inputPath) {
    const filePath = process.env['GITHUB_PATH'] || '';
    if (filePath) {
        issueFileCommand('PATH', inputPath);
    }
    else {
        issueCommand('add-path', {}, inputPath);
    }
    process.env['PATH'] = `${inputPath}${path.delimiter}${process.env['PATH']}`;
}
/**
 * Gets the value of an input.
 * Unless trimWhitespace is set to false in InputOptions, the value is also trimmed.
 * Returns an empty string if the value is not defined.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string
 */
function getInput(name, options) {
    const val = process.env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] || '';
    if (options && options.required && !val) {
        throw new Error(`Input required and not supplied: ${name}`);
    }
    if (options && options.trimWhitespace === false) {
        return val;
    }
    return val.trim();
}
/**
 * Gets the values of an multiline input.  Each value is also trimmed.
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   string[]
 *
 */
function getMultilineInput(name, options) {
    const inputs = getInput(name, options)
        .split('\n')
        .filter(x => x !== '');
    if (options && options.trimWhitespace === false) {
        return inputs;
    }
    return inputs.map(input => input.trim());
}
/**
 * Gets the input value of the boolean type in the YAML 1.2 "core schema" specification.
 * Support boolean input list: `true | True | TRUE | false | False | FALSE` .
 * The return value is also in boolean type.
 * ref: https://yaml.org/spec/1.2/spec.html#id2804923
 *
 * @param     name     name of the input to get
 * @param     options  optional. See InputOptions.
 * @returns   boolean
 */
function getBooleanInput(name, options) {
    const trueValue = ['true', 'True', 'TRUE'];
    const falseValue = ['false', 'False', 'FALSE'];
    const val = getInput(name, options);
    if (trueValue.includes(val))
        return true;
    if (falseValue.includes(val))
        return false;
    throw new TypeError(`Input does not meet YAML 1.2 "Core Schema" specification: ${name}\n` +
        `Support boolean input list: \`true | True | TRUE | false | False | FALSE\``);
}
/**
 * Sets the value of an output.
 *
 * @param     name     name of the output to set
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function setOutput(name, value) {
    const filePath = process.env['GITHUB_OUTPUT'] || '';
    if (filePath) {
        return issueFileCommand('OUTPUT', prepareKeyValueMessage(name, value));
    }
    process.stdout.write(os.EOL);
    issueCommand('set-output', { name }, toCommandValue(value));
}
/**
 * Enables or disables the echoing of commands into stdout for the rest of the step.
 * Echoing is disabled by default if ACTIONS_STEP_DEBUG is not set.
 *
 */
function setCommandEcho(enabled) {
    issue('echo', enabled ? 'on' : 'off');
}
//-----------------------------------------------------------------------
// Results
//-----------------------------------------------------------------------
/**
 * Sets the action status to failed.
 * When the action exits it will be with an exit code of 1
 * @param message add error issue message
 */
function setFailed(message) {
    process.exitCode = ExitCode.Failure;
    error(message);
}
//-----------------------------------------------------------------------
// Logging Commands
//-----------------------------------------------------------------------
/**
 * Gets whether Actions Step Debug is on or not
 */
function isDebug() {
    return process.env['RUNNER_DEBUG'] === '1';
}
/**
 * Writes debug message to user log
 * @param message debug message
 */
function core_debug(message) {
    command_issueCommand('debug', {}, message);
}
/**
 * Adds an error issue
 * @param message error issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function error(message, properties = {}) {
    command_issueCommand('error', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a warning issue
 * @param message warning issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function warning(message, properties = {}) {
    command_issueCommand('warning', utils_toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Adds a notice issue
 * @param message notice issue message. Errors will be converted to string via toString()
 * @param properties optional properties to add to the annotation.
 */
function notice(message, properties = {}) {
    issueCommand('notice', toCommandProperties(properties), message instanceof Error ? message.toString() : message);
}
/**
 * Writes info to log with console.log.
 * @param message info message
 */
function info(message) {
    process.stdout.write(message + external_os_.EOL);
}
/**
 * Begin an output group.
 *
 * Output until the next `groupEnd` will be foldable in this group
 *
 * @param name The name of the output group
 */
function startGroup(name) {
    issue('group', name);
}
/**
 * End an output group.
 */
function endGroup() {
    issue('endgroup');
}
/**
 * Wrap an asynchronous function call in a group.
 *
 * Returns the same type as the function itself.
 *
 * @param name The name of the group
 * @param fn The function to wrap in the group
 */
function group(name, fn) {
    return core_awaiter(this, void 0, void 0, function* () {
        startGroup(name);
        let result;
        try {
            result = yield fn();
        }
        finally {
            endGroup();
        }
        return result;
    });
}
//-----------------------------------------------------------------------
// Wrapper action state
//-----------------------------------------------------------------------
/**
 * Saves state for current action, the state can only be retrieved by this action's post job execution.
 *
 * @param     name     name of the state to store
 * @param     value    value to store. Non-string values will be converted to a string via JSON.stringify
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function saveState(name, value) {
    const filePath = process.env['GITHUB_STATE'] || '';
    if (filePath) {
        return issueFileCommand('STATE', prepareKeyValueMessage(name, value));
    }
    issueCommand('save-state', { name }, toCommandValue(value));
}
/**
 * Gets the value of an state set by this action's main execution.
 *
 * @param     name     name of the state to get
 * @returns   string
 */
function getState(name) {
    return process.env[`STATE_${name}`] || '';
}
function getIDToken(aud) {
    return core_awaiter(this, void 0, void 0, function* () {
        return yield OidcClient.getIDToken(aud);
    });
}
/**
 * Summary exports
 */

/**
 * @deprecated use core.summary
 */

/**
 * Path exports
 */

/**
 * Platform utilities exports
 */

//# sourceMappingURL=core.js.map
// EXTERNAL MODULE: ./src/common/errors.ts
var errors = __webpack_require__(1922);
// EXTERNAL MODULE: ./src/common/http.ts
var http = __webpack_require__(5069);
// EXTERNAL MODULE: ./src/common/logger.ts
var common_logger = __webpack_require__(9353);
// EXTERNAL MODULE: ./src/common/retry.ts
var retry = __webpack_require__(9183);
// EXTERNAL MODULE: ./src/identity/token.ts + 5 modules
var token = __webpack_require__(6969);
;// CONCATENATED MODULE: ./src/identity/github.ts
/**
 * The GitHub Actions ID token, from the runner's token endpoint
 * (ACTIONS_ID_TOKEN_REQUEST_URL, with ACTIONS_ID_TOKEN_REQUEST_TOKEN as the
 * bearer), asked as `core.getIDToken` asks it (the audience appended as
 * `&audience=`, the token in the answer's `value`), but through gatepass's
 * one transport (common/http.ts): the same proxy choice, `ca-certificate`
 * and error wording as every other request, no redirect followed with the
 * runner's request token, and no HTTP client loaded at start only for this.
 *
 * The endpoint is known to fail intermittently ("Failed to get ID Token"), so
 * every request goes through the retry policy: 5 attempts, jittered backoff
 * from 1 s, 10 s per attempt. The token lives a few minutes; `token()` mints a
 * new one when the cached one is within 60 s of expiry.
 */





const OPERATION = 'GitHub ID token request';
function github_githubIdentity(options) {
    const logger = options.logger ?? common_logger/* silentLogger */.q;
    const now = options.now ?? (() => Date.now());
    let current;
    return {
        platform: 'github',
        canRefresh: true,
        async token(signal) {
            if (current !== undefined && !current.expiresWithin(token/* REFRESH_WINDOW_MS */.WP, now()))
                return current;
            if (current !== undefined) {
                const left = (current.expiresAt?.getTime() ?? now()) - now();
                logger.info(`the GitHub ID token expires in ${(0,retry/* formatDuration */.a3)(Math.max(0, left))}; requesting a new one`);
            }
            current = await mint(options, logger, signal);
            return current;
        },
    };
}
async function mint(options, logger, signal) {
    const endpoint = tokenEndpoint(options.audience);
    const raw = await (0,retry/* retry */.L5)(({ signal: attemptSignal }) => requestToken(endpoint, attemptSignal), {
        operation: OPERATION,
        maxAttempts: 5,
        initialDelayMs: 1_000,
        attemptTimeoutMs: 10_000,
        exhaustedCode: 'IDENTITY',
        classify: classifyIdentityError,
        logger,
        ...options.retry,
        ...(signal === undefined ? {} : { signal }),
    });
    // Registered before it is even parsed: nothing may see it unmasked.
    options.registerSecret(raw);
    return (0,token/* parseIdentityToken */.Xm)(raw, 'github', 'the GitHub ID token endpoint answer');
}
/** Where to ask, as `core.getIDToken` builds it; refuses a job without the id-token permission. */
function tokenEndpoint(audience) {
    const url = process.env.ACTIONS_ID_TOKEN_REQUEST_URL ?? '';
    const bearer = process.env.ACTIONS_ID_TOKEN_REQUEST_TOKEN ?? '';
    const missing = [
        ...(url === '' ? ['ACTIONS_ID_TOKEN_REQUEST_URL'] : []),
        ...(bearer === '' ? ['ACTIONS_ID_TOKEN_REQUEST_TOKEN'] : []),
    ];
    if (missing.length > 0) {
        throw new errors/* GatepassError */.J9('IDENTITY', `GitHub gave this job no OIDC token endpoint (${missing.join(' and ')} not set)`, {
            hint: 'Add `permissions: id-token: write` to the workflow or job; pull requests from forks (and Dependabot) never get an ID token, so run such jobs without gatepass',
        });
    }
    if (!/^https?:\/\/[^/]/i.test(url) || !URL.canParse(url)) {
        throw new errors/* GatepassError */.J9('IDENTITY', 'ACTIONS_ID_TOKEN_REQUEST_URL is not an http(s) URL', {
            hint: 'The runner sets it; run gatepass as a step of a GitHub Actions runner, not with a hand-set value',
        });
    }
    // The runner's URL already has a query (`?api-version=…`): core appends, and so do we.
    const withAudience = audience === undefined || audience === ''
        ? url
        : `${url}&audience=${encodeURIComponent(audience)}`;
    return { url: withAudience, bearer };
}
const PEER = {
    what: 'the GitHub ID token endpoint',
    input: 'ACTIONS_ID_TOKEN_REQUEST_URL',
    redirectHint: "The runner's token service answers directly; something in between (a proxy) redirected: check HTTPS_PROXY and NO_PROXY",
};
async function requestToken(endpoint, signal) {
    let answer;
    try {
        answer = await (0,http/* attempt */.CD)({
            method: 'GET',
            url: endpoint.url,
            headers: { authorization: `Bearer ${endpoint.bearer}`, accept: 'application/json' },
        }, PEER, signal);
    }
    catch (err) {
        throw identityError(err);
    }
    if (answer.status < 200 || answer.status > 299)
        throw refusal(answer, endpoint.bearer);
    const value = stringMember(answer.text(), 'value');
    if (value === undefined) {
        throw new errors/* GatepassError */.J9('IDENTITY', 'the ID token endpoint answered without a token (`value`)', {
            hint: "The runner's token service gave an unexpected answer; re-run the job, and check https://www.githubstatus.com",
        });
    }
    return value;
}
/** A non-empty string member of a JSON object answer; undefined for anything else. */
function stringMember(text, key) {
    try {
        const body = JSON.parse(text);
        const value = typeof body === 'object' && body !== null
            ? body[key]
            : undefined;
        return typeof value === 'string' && value !== '' ? value : undefined;
    }
    catch {
        return undefined;
    }
}
/**
 * An error status: its `message` (as core reports it), one line, kept short,
 * and without the request token should something in between echo it.
 */
function refusal(answer, bearer) {
    const message = stringMember(answer.text(), 'message');
    const detail = message === undefined || message.trim() === ''
        ? `HTTP ${answer.status}`
        : `HTTP ${answer.status}: ${(0,errors/* oneLine */.TN)(message.split(bearer).join('***'), 200)}`;
    return new retry/* HttpStatusError */.F9(answer.status, `the ID token endpoint answered ${detail}`, {
        code: 'IDENTITY',
        hint: 'GitHub could not issue an ID token; check `permissions: id-token: write` and https://www.githubstatus.com',
    });
}
/**
 * The transport's failure as an identity error. A failed connection is worded
 * with the endpoint's origin (never its query) and the OS code, and the hint
 * points at GitHub's service (or, through a proxy, at the proxy); a refused
 * redirect or an oversized answer keeps the transport's words and hint.
 */
function identityError(err) {
    if (!(err instanceof errors/* GatepassError */.J9) || err.code !== 'GATEWAY')
        return err;
    const connection = / cannot reach /.test(err.message);
    const message = connection ? err.message.replace(/^[A-Z]+ \S+: /, '') : err.message;
    const hint = connection && !message.includes(' through the proxy at ')
        ? "The runner could not connect to GitHub's token service; check the runner's network and proxy settings, and https://www.githubstatus.com"
        : err.hint;
    return new errors/* GatepassError */.J9('IDENTITY', message, {
        ...(hint === undefined ? {} : { hint }),
        cause: err,
    });
}
/** Retry timeouts, transient statuses and dropped connections; not a refusal, a wrong name or an untrusted certificate. */
function classifyIdentityError(err) {
    if (err instanceof retry/* AttemptTimeoutError */.dU)
        return { retry: true };
    if (err instanceof retry/* HttpStatusError */.F9)
        return { retry: (0,retry/* isRetryableStatus */.PS)(err.status) };
    return { retry: (0,retry/* isNetworkError */.TX)(err) };
}

// EXTERNAL MODULE: ./src/flow/job.ts + 4 modules
var job = __webpack_require__(2678);
// EXTERNAL MODULE: ./src/config/config.ts + 6 modules
var config = __webpack_require__(439);
// EXTERNAL MODULE: ./src/platform/detect.ts
var detect = __webpack_require__(1356);
;// CONCATENATED MODULE: ./src/platform/github.ts
/**
 * The GitHub Actions host: inputs, outputs, state, masking, exported
 * variables, the job summary and the ID token, through `@actions/core`.
 *
 * One guard sits in front of core: when GITHUB_OUTPUT, GITHUB_STATE or
 * GITHUB_ENV is unset, core falls back to printing the value as a workflow
 * command (`::save-state`, `::set-env`), which would put a revocation handle
 * or a credential in the log. So each of those calls first checks that the
 * runner named the file and that it exists, and `preflight` checks the same
 * before any network call. Core reads `process.env`, so the host does too.
 */









const log = {
    debug: (message) => {
        core_debug(message);
    },
    info: (message) => {
        info(message);
    },
    warning: (message) => {
        warning(message);
    },
    error: (message) => {
        error(message);
    },
};
function githubHost() {
    const env = process.env;
    return {
        setOutput: (name, value) => {
            requireFile('GITHUB_OUTPUT', `set the output ${name}`);
            core.setOutput(name, value);
        },
        state: {
            save: (value) => {
                requireFile('GITHUB_STATE', 'save revocation handles');
                core.saveState(STATE_KEY, value);
            },
            load: () => core.getState(STATE_KEY),
        },
        setSecret: (value) => {
            core.setSecret(value);
        },
        exportVariable: (name, value) => {
            requireFile('GITHUB_ENV', 'export variables');
            // Core also sets process.env[name]: the script, started later, gets it anyway.
            core.exportVariable(name, value);
        },
        appendSummary: async ({ markdown }) => {
            // core.summary throws (never prints) without GITHUB_STEP_SUMMARY.
            await core.summary.addRaw(markdown, true).write();
        },
        log,
        context: githubContext(env),
        workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
        tempDir: jobTempDir('github', env),
        env,
        identity: (options) => githubIdentity(options),
        preflight: ({ exportEnv }) => {
            requireFile('GITHUB_STATE', 'save revocation handles');
            requireFile('GITHUB_OUTPUT', 'set outputs');
            if (exportEnv)
                requireFile('GITHUB_ENV', 'export variables');
        },
    };
}
/** The file command's path; throws rather than let core print the value to the log. */
function requireFile(name, purpose) {
    const path = process.env[name] ?? '';
    if (path !== '' && existsSync(path))
        return path;
    const problem = path === '' ? `the runner set no ${name} file` : `the ${name} file does not exist`;
    throw new GatepassError('CONFIG', `${problem}, needed to ${purpose}`, {
        hint: 'Run gatepass as a step of a GitHub Actions runner 2.297.0 or later (every hosted runner is)',
    });
}
function githubContext(env) {
    const get = (name) => {
        const value = env[name];
        return value === undefined || value === '' ? undefined : value;
    };
    return {
        platform: 'github',
        repository: get('GITHUB_REPOSITORY'),
        ref: get('GITHUB_REF'),
        sha: get('GITHUB_SHA'),
        runId: get('GITHUB_RUN_ID'),
        runAttempt: get('GITHUB_RUN_ATTEMPT'),
        job: get('GITHUB_JOB'),
        step: get('GITHUB_ACTION'),
        actor: get('GITHUB_ACTOR'),
        workflow: get('GITHUB_WORKFLOW'),
        eventName: get('GITHUB_EVENT_NAME'),
        serverUrl: get('GITHUB_SERVER_URL') ?? 'https://github.com',
    };
}
/**
 * The action's main step: the inputs, parsed here (the flow never reads
 * one), then the run. The script's exit code, or 1 when gatepass failed or a
 * credential outlives the step.
 */
async function runActionMain(runtime = githubMainRuntime(), getInput = (name) => core.getInput(name)) {
    const config = loadConfig(getInput, { platform: 'github', env: process.env }, (message) => {
        runtime.host.log.error(message);
    });
    if (config === undefined)
        return 1;
    return exitCodeOf(await runJob(config, runtime), 1);
}
/** Main's runtime on a GitHub runner: the host, process streams, signals, the approval gate. */
function githubMainRuntime() {
    const host = githubHost();
    return {
        host,
        stdout: process.stdout,
        stderr: process.stderr,
        approvalGate: githubApprovalGate(process.env, host.log),
        onSignal: onProcessSignals,
    };
}
/** `gatepass run` inside a GitHub Actions step: the runner's ID token, masking and summary. */
function githubCliPlatform(env, cwd) {
    return {
        context: githubContext(env),
        workspace: env.GITHUB_WORKSPACE ?? cwd,
        tempDir: (0,detect/* jobTempDir */.z3)('github', env),
        identity: (options) => github_githubIdentity(options),
        setSecret: (value) => {
            core_setSecret(value);
        },
        appendSummary: async (markdown) => {
            await summary.addRaw(markdown, true).write();
        },
        approvalGate: githubApprovalGate(env, log),
    };
}
function githubPostRuntime() {
    return {
        host: githubHost(),
        secret: (input) => core.getInput(input),
    };
}
/** An error `run` did not catch: one `::error::` line and a failed step, not a stack trace. */
function failStep(err) {
    core.setFailed(describeError(err));
}
/**
 * `approval-source: github-pr`: a comment on the pull request (an issue on
 * other events) through approvals/github.ts, awaited by approvals/gate.ts.
 * Both load on first use: a run without approvals never parses them.
 */
function githubApprovalGate(env, logger) {
    let context;
    const resolve = () => (context ??= githubApprovalContext(env));
    return {
        check: () => {
            resolve();
        },
        async wait({ id, subject, config, signal }) {
            const [{ GitHubApprovals }, { approversOf, awaitApproval }] = await Promise.all([
                __webpack_require__.e(/* import() */ 313).then(__webpack_require__.bind(__webpack_require__, 1313)),
                __webpack_require__.e(/* import() */ 141).then(__webpack_require__.bind(__webpack_require__, 4141)),
            ]);
            const { runUrl, ...where } = resolve();
            const source = new GitHubApprovals({ ...where, token: config.githubToken ?? '', logger });
            const result = await awaitApproval({
                policy: config.approvals,
                subject,
                runUrl,
                source,
                logger,
                signal,
            });
            return approversOf(result, id);
        },
    };
}
/** The gate's context; throws CONFIG when the runner did not say what it must. */
function githubApprovalContext(env) {
    const need = (name) => {
        const value = env[name] ?? '';
        if (value !== '')
            return value;
        throw new errors/* GatepassError */.J9('CONFIG', `\`approvals\` needs ${name}, which the runner did not set`, {
            hint: 'Run gatepass as a step of a GitHub Actions job, or set `approvals: 0`',
        });
    };
    const repository = need('GITHUB_REPOSITORY');
    const runId = need('GITHUB_RUN_ID');
    need('GITHUB_SHA');
    const actorId = Number(env.GITHUB_ACTOR_ID ?? '');
    const thread = pullRequestOf(env);
    const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
    const attempt = env.GITHUB_RUN_ATTEMPT ?? '';
    return {
        repository,
        ...thread,
        actor: {
            login: need('GITHUB_ACTOR'),
            ...(Number.isSafeInteger(actorId) && actorId > 0 ? { id: actorId } : {}),
        },
        ...(env.GITHUB_TRIGGERING_ACTOR === undefined || env.GITHUB_TRIGGERING_ACTOR === ''
            ? {}
            : { triggeringActor: env.GITHUB_TRIGGERING_ACTOR }),
        apiUrl: env.GITHUB_API_URL ?? 'https://api.github.com',
        runUrl: `${server}/${repository}/actions/runs/${runId}${attempt === '' ? '' : `/attempts/${attempt}`}`,
    };
}
/** The pull request and its author, when the event is about one; none means "open an issue". */
function pullRequestOf(env) {
    const event = env.GITHUB_EVENT_NAME ?? '';
    const prEvent = event.startsWith('pull_request');
    const path = env.GITHUB_EVENT_PATH ?? '';
    let payload = {};
    try {
        if (path !== '')
            payload = JSON.parse((0,external_node_fs_.readFileSync)(path, 'utf8'));
    }
    catch {
        if (prEvent)
            throw eventError(event, 'its payload (GITHUB_EVENT_PATH) could not be read');
    }
    const pr = payload.pull_request ?? (payload.issue?.pull_request === undefined ? undefined : payload.issue);
    const number = pr?.number;
    if (typeof number !== 'number' || !Number.isSafeInteger(number)) {
        if (prEvent)
            throw eventError(event, 'its payload names no pull request');
        return {};
    }
    const { id, login } = pr?.user ?? {};
    // Without the author, the author could approve their own request: fail closed.
    if (typeof id !== 'number' || typeof login !== 'string') {
        throw eventError(event, `its payload names no author of pull request #${number}`);
    }
    return { pullNumber: number, author: { id, login } };
}
function eventError(event, problem) {
    return new errors/* GatepassError */.J9('CONFIG', `the ${event} event: ${problem}`, {
        hint: 'The approval request is posted on the pull request; re-run the workflow, or set `approvals: 0`',
    });
}


/***/ })

};

//# sourceMappingURL=270.index.js.map