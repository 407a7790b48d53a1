import {Button, Stack} from '@sanity/ui'
import {createElement, useCallback} from 'react'
import {type DateInputProps, set, useFormValue} from 'sanity'

import {expectedValidUntil} from '../../domain/qmStatus.ts'

// Written without JSX so the schema (which uses this input) stays importable by plain Node scripts
// such as migrations and the importer, which run .ts files natively but not .tsx.

function expectedFrom(certifiedAt: unknown): string | undefined {
  if (typeof certifiedAt !== 'string') return undefined
  try {
    return expectedValidUntil(certifiedAt)
  } catch {
    return undefined
  }
}

/**
 * The normal date input plus a one-click way to set the date three years after the
 * certification date, which is what almost every certification needs.
 */
export function ValidUntilInput(props: DateInputProps) {
  const {onChange, value, readOnly, renderDefault} = props
  const expected = expectedFrom(useFormValue(['certifiedAt']))

  const applyExpected = useCallback(() => {
    if (expected) onChange(set(expected))
  }, [expected, onChange])

  const suggestion =
    expected && value !== expected && !readOnly
      ? createElement(Button, {
          mode: 'ghost',
          fontSize: 1,
          padding: 2,
          text: `Sätt till ${expected} (certifieringsdatum + 3 år)`,
          onClick: applyExpected,
        })
      : null

  return createElement(Stack, {gap: 2}, renderDefault(props), suggestion)
}
