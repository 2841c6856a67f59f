// yaml 2.9.1, loaded on first use (scripts/build.mjs).
'use strict';

let loaded;
function lazy(name) {
  return function (...args) {
    loaded ??= require('./yaml.bundle.cjs');
    const real = loaded[name];
    return new.target === undefined ? real.apply(this, args) : Reflect.construct(real, args);
  };
}

exports.Alias = lazy('Alias');
exports.Composer = lazy('Composer');
exports.Document = lazy('Document');
exports.Lexer = lazy('Lexer');
exports.LineCounter = lazy('LineCounter');
exports.Pair = lazy('Pair');
exports.Parser = lazy('Parser');
exports.Scalar = lazy('Scalar');
exports.Schema = lazy('Schema');
exports.YAMLError = lazy('YAMLError');
exports.YAMLMap = lazy('YAMLMap');
exports.YAMLParseError = lazy('YAMLParseError');
exports.YAMLSeq = lazy('YAMLSeq');
exports.YAMLWarning = lazy('YAMLWarning');
exports.isAlias = lazy('isAlias');
exports.isCollection = lazy('isCollection');
exports.isDocument = lazy('isDocument');
exports.isMap = lazy('isMap');
exports.isNode = lazy('isNode');
exports.isPair = lazy('isPair');
exports.isScalar = lazy('isScalar');
exports.isSeq = lazy('isSeq');
exports.parse = lazy('parse');
exports.parseAllDocuments = lazy('parseAllDocuments');
exports.parseDocument = lazy('parseDocument');
exports.stringify = lazy('stringify');
exports.visit = lazy('visit');
exports.visitAsync = lazy('visitAsync');
